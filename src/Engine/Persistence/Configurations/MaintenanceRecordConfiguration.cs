using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class MaintenanceRecordConfiguration : IEntityTypeConfiguration<MaintenanceRecord>
{
    public void Configure(EntityTypeBuilder<MaintenanceRecord> builder)
    {
        builder.ToTable("app_maintenance");
        builder.HasKey(m => m.App);
        builder.Property(m => m.App).HasMaxLength(40);
        builder.Property(m => m.Message).HasMaxLength(Maintenance.MaintenanceRules.MaxMessageLength);
        builder.Property(m => m.By).HasMaxLength(200);
    }
}
