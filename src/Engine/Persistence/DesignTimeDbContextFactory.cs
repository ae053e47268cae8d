using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cutover.Engine.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CutoverDbContext>
{
    public CutoverDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CutoverDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
