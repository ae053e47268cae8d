using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class HostInstanceConfiguration : IEntityTypeConfiguration<HostInstance>
{
    public void Configure(EntityTypeBuilder<HostInstance> builder)
    {
        builder.ToTable("host_instance");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Property(h => h.InstanceId).HasMaxLength(32);
    }
}
