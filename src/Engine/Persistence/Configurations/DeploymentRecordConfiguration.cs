using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class DeploymentRecordConfiguration : IEntityTypeConfiguration<DeploymentRecord>
{
    public void Configure(EntityTypeBuilder<DeploymentRecord> builder)
    {
        builder.ToTable("deployments");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.App).HasMaxLength(40);
        builder.Property(d => d.Image).HasMaxLength(255);
        builder.Property(d => d.PreviousImage).HasMaxLength(255);
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Slot).HasConversion<string>().HasMaxLength(8);
        builder.Property(d => d.PreviousSlot).HasConversion<string>().HasMaxLength(8);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.RequestedBy).HasMaxLength(120);
        builder.HasMany(d => d.Steps).WithOne().HasForeignKey(s => s.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.Analyses).WithOne().HasForeignKey(a => a.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => new { d.App, d.Id });
        builder.HasIndex(d => d.Status);
        builder.Property(d => d.IdempotencyKey).HasMaxLength(200);
        builder.HasIndex(d => new { d.App, d.IdempotencyKey }).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL");
    }
}
