using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class ContainerRecordConfiguration : IEntityTypeConfiguration<ContainerRecord>
{
    public void Configure(EntityTypeBuilder<ContainerRecord> builder)
    {
        builder.ToTable("containers");
        builder.HasKey(c => new { c.App, c.Slot });
        builder.Property(c => c.App).HasMaxLength(40);
        builder.Property(c => c.Slot).HasConversion<string>().HasMaxLength(8);
        builder.Property(c => c.ContainerId).HasMaxLength(64);
        builder.Property(c => c.Image).HasMaxLength(255);
    }
}
