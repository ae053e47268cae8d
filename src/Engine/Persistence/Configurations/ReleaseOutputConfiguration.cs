using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class ReleaseOutputConfiguration : IEntityTypeConfiguration<ReleaseOutputRecord>
{
    public void Configure(EntityTypeBuilder<ReleaseOutputRecord> builder)
    {
        builder.ToTable("release_outputs");
        builder.HasKey(r => r.DeploymentId);
        builder.HasOne<DeploymentRecord>().WithOne().HasForeignKey<ReleaseOutputRecord>(r => r.DeploymentId).OnDelete(DeleteBehavior.Cascade);
    }
}
