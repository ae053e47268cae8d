using Cutover.Engine.Audit;
using Cutover.Engine.Instances;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Creates the database file's folder, applies migrations, turns on WAL and reads the instance id, before anything is served.</summary>
public sealed class DatabaseInitializer(
    IDbContextFactory<CutoverDbContext> dbFactory,
    AuditChainBackfill auditChain,
    InstanceStore instances,
    InstanceIdentity identity)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (db.Database.GetDbConnection().DataSource is { Length: > 0 } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await db.Database.MigrateAsync(cancellationToken);
        // WAL lets the console read while a deployment writes; the setting is stored in the file itself.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        // Audit rows from before the hash chain are chained now, so that an upgraded database verifies.
        await auditChain.ChainUnhashedAsync(cancellationToken);
        identity.Set(await instances.GetOrCreateAsync(cancellationToken));
    }
}
