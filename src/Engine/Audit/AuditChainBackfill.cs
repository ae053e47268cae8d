using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Audit;

/// <summary>Chains audit entries written before the hash chain existed, at start-up, so that an upgraded database verifies.</summary>
/// <remarks>
/// SQLite cannot compute SHA-256, so the migration only adds the columns and this step fills them, in id order,
/// inside one write transaction. It runs before anything is served, so no append interleaves. Rows chained this
/// way are vouched for only from the upgrade on: whatever happened to them before cannot be told.
/// </remarks>
public sealed partial class AuditChainBackfill(IDbContextFactory<CutoverDbContext> dbFactory, ILogger<AuditChainBackfill> logger)
{
    private const int PageSize = 500;

    /// <returns>How many entries were chained.</returns>
    public async Task<long> ChainUnhashedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The head is created with the chain: once it exists, a row without a hash was written outside Cutover,
        // and chaining it now would launder it. Verification reports it instead.
        if (await db.AuditHead.AnyAsync(cancellationToken))
        {
            return 0;
        }

        // The head came with the first chained row (same migration, same transaction as this): chained rows without
        // a head mean it was removed, likely with the newest entries. Rebuilding it from the rows that remain would
        // make that verify as intact; the next append records the gap instead (AuditLog), and verify reports it.
        if (await db.AuditEvents.AnyAsync(a => a.Hash != null, cancellationToken))
        {
            Log.HeadMissing(logger);
            return 0;
        }

        // Only legacy rows (or none): chain them all.
        var previous = AuditHash.Genesis;
        long chained = 0;
        long after = 0;
        while (true)
        {
            var page = await db.AuditEvents.Where(a => a.Id > after).OrderBy(a => a.Id).Take(PageSize).ToListAsync(cancellationToken);
            foreach (var entry in page)
            {
                entry.PreviousHash = previous;
                entry.Hash = AuditHash.Compute(entry);
                previous = entry.Hash;
                chained++;
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Id;
        }

        var last = await db.AuditEvents.OrderByDescending(a => a.Id).Select(a => new { a.Id, a.Hash }).FirstOrDefaultAsync(cancellationToken);
        db.AuditHead.Add(new AuditHead
        {
            LastId = last?.Id ?? 0,
            LastHash = last?.Hash ?? AuditHash.Genesis,
            Count = await db.AuditEvents.LongCountAsync(cancellationToken),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (chained > 0)
        {
            Log.Chained(logger, chained);
        }

        return chained;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Chained {Count} audit entries written before the trail was hash-chained")]
        public static partial void Chained(ILogger logger, long count);

        [LoggerMessage(2, LogLevel.Warning, "The audit trail's head record is missing: entries may have been removed. It is not rebuilt; the next entry records the gap and verification reports it")]
        public static partial void HeadMissing(ILogger logger);
    }
}
