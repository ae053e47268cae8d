using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Audit;

/// <summary>Walks the whole audit trail in id order, recomputing every hash and link, and checks its end against the head.</summary>
/// <remarks>
/// The chain alone cannot show that the newest entries were cut off: what remains is still a valid chain. The
/// <see cref="AuditHead"/> row, written with every append, records the newest id, its hash and the count, so a
/// truncation shows as a trail that ends early. A head found missing is never rebuilt from what remains: the
/// append that finds it gone writes an <see cref="AuditHeadMissing"/> entry, reported here for good. Someone who
/// can write the file can rewrite the head as well: this detects edits, it does not prevent them (that would need
/// a key kept outside the database).
/// </remarks>
public sealed class AuditChainVerifier(IDbContextFactory<CutoverDbContext> dbFactory)
{
    private const int PageSize = 1000;

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One deferred read transaction: with WAL it is a consistent snapshot that does not hold up appends,
        // so an entry appended mid-walk can neither appear beyond the head nor make the head run ahead.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var snapshot = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(snapshot, cancellationToken);

        var head = await db.AuditHead.AsNoTracking().SingleOrDefaultAsync(h => h.Id == AuditHead.SingletonId, cancellationToken);
        long entries = 0;
        AuditEvent? previous = null;
        while (true)
        {
            var after = previous?.Id ?? long.MinValue;
            var page = await db.AuditEvents.AsNoTracking().Where(a => a.Id > after).OrderBy(a => a.Id).Take(PageSize).ToListAsync(cancellationToken);
            foreach (var entry in page)
            {
                if (Check(entry, previous, head) is { } problem)
                {
                    return AuditVerification.Broken(entries, entry.Id, problem);
                }

                entries++;
                previous = entry;
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        return CheckEnd(entries, previous, head);
    }

    private static string? Check(AuditEvent entry, AuditEvent? previous, AuditHead? head)
    {
        if (entry.Hash is null)
        {
            return $"entry {entry.Id} has no hash: it was written outside Cutover";
        }

        if (AuditHash.Compute(entry) != entry.Hash)
        {
            return $"entry {entry.Id} was changed: its hash does not match its content";
        }

        if (previous is null)
        {
            return entry.PreviousHash == AuditHash.Genesis
                ? null
                : $"entry {entry.Id} does not start the trail: the entries before it were removed";
        }

        if (entry.PreviousHash != previous.Hash)
        {
            // Ids are never skipped by appends, so a gap says which of the two explanations holds.
            return entry.Id > previous.Id + 1
                ? $"entry {entry.Id} does not follow entry {previous.Id}: an entry was removed"
                : $"entry {entry.Id} does not follow entry {previous.Id}: entry {previous.Id} was rewritten or entry {entry.Id} relinked";
        }

        if (head is not null && entry.Id > head.LastId)
        {
            return $"entry {entry.Id} was added outside Cutover: the trail's head ends at entry {head.LastId}";
        }

        // Past this entry the chain is whole again, but the head it was checked against was lost before it: what
        // was removed then cannot be told, and no later append makes it so.
        if (entry.Action == AuditHeadMissing.Action && entry.Actor == AuditHeadMissing.Actor)
        {
            return $"entry {entry.Id} records that the trail's head record was missing, so removal of the entries before it cannot be ruled out";
        }

        return null;
    }

    private static AuditVerification CheckEnd(long entries, AuditEvent? last, AuditHead? head)
    {
        if (head is null)
        {
            return last is null
                ? AuditVerification.Ok(0)
                : AuditVerification.Broken(entries, null, "the trail's head record is missing, so removal of the newest entries cannot be ruled out");
        }

        if (last is null)
        {
            return head.Count == 0
                ? AuditVerification.Ok(0)
                : AuditVerification.Broken(0, null, $"the trail is empty but {head.Count} entries were written: every entry was removed");
        }

        if (last.Id < head.LastId)
        {
            return AuditVerification.Broken(entries, last.Id + 1, $"the trail ends at entry {last.Id} but entry {head.LastId} was written: the newest entries were removed");
        }

        if (last.Hash != head.LastHash)
        {
            return AuditVerification.Broken(entries, last.Id, $"entry {last.Id} is not the entry that was written last: it was replaced");
        }

        return entries == head.Count
            ? AuditVerification.Ok(entries)
            : AuditVerification.Broken(entries, null, $"the trail holds {entries} entries but {head.Count} were written");
    }
}
