using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class PulledImageConfiguration : IEntityTypeConfiguration<PulledImage>
{
    public void Configure(EntityTypeBuilder<PulledImage> builder)
    {
        builder.ToTable("pulled_images");
        builder.HasKey(p => new { p.App, p.Image });
        builder.Property(p => p.App).HasMaxLength(40);
        builder.Property(p => p.Image).HasMaxLength(255);
    }
}
