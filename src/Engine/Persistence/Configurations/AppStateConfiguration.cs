using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cutover.Engine.Persistence.Configurations;

internal sealed class AppStateConfiguration : IEntityTypeConfiguration<AppState>
{
    public void Configure(EntityTypeBuilder<AppState> builder)
    {
        builder.ToTable("apps");
        builder.HasKey(a => a.Name);
        builder.Property(a => a.Name).HasMaxLength(40);
        builder.Property(a => a.ActiveSlot).HasConversion<string>().HasMaxLength(8);
        builder.Property(a => a.ActiveImage).HasMaxLength(255);
        builder.Property(a => a.ConfigImage).HasMaxLength(255);
    }
}
