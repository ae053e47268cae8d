using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class DeploymentAnalysisConfiguration : IEntityTypeConfiguration<DeploymentAnalysis>
{
    public void Configure(EntityTypeBuilder<DeploymentAnalysis> builder)
    {
        builder.ToTable("deployment_analyses");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Phase).HasMaxLength(16);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Summary).HasMaxLength(500);
    }
}
