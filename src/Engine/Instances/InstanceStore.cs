using System.Security.Cryptography;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Instances;

/// <summary>Reads this database's instance id, making it the first time the database is opened.</summary>
public sealed class InstanceStore(IDbContextFactory<CutoverDbContext> dbFactory, TimeProvider time)
{
    public async Task<string> GetOrCreateAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.HostInstance.AsNoTracking().SingleOrDefaultAsync(cancellationToken) is { } existing)
        {
            return existing.InstanceId;
        }

        // 12 hex characters: short enough to read in `docker ps` labels, 48 random bits so two databases never collide.
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        db.HostInstance.Add(new HostInstance { InstanceId = id, CreatedAt = time.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return id;
        }
        catch (DbUpdateException)
        {
            // Another process initialised the same file at the same moment: its id is the one.
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            return (await again.HostInstance.AsNoTracking().SingleAsync(cancellationToken)).InstanceId;
        }
    }
}
