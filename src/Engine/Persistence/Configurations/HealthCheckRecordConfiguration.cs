using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class HealthCheckRecordConfiguration : IEntityTypeConfiguration<HealthCheckRecord>
{
    public void Configure(EntityTypeBuilder<HealthCheckRecord> builder)
    {
        builder.ToTable("health_checks");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.App).HasMaxLength(40);
        builder.Property(h => h.Slot).HasConversion<string>().HasMaxLength(8);
        // History reads and retention pruning both walk an app's checks by time.
        builder.HasIndex(h => new { h.App, h.At });
        builder.HasIndex(h => h.At);
    }
}
