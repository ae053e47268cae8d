using Cutover.Engine.Audit;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Appends to the hash-chained audit trail; nothing here updates or deletes an entry.</summary>
public sealed class AuditLog(
    IDbContextFactory<CutoverDbContext> dbFactory,
    SecretRedactor redactor,
    EngineEventStream events,
    TimeProvider time) : IDisposable
{
    // The chain is linear only if no two appends read the same previous hash: one append at a time in this
    // process, and the write transaction (BEGIN IMMEDIATE) keeps out any other process using the file.
    private readonly SemaphoreSlim _appendGate = new(1, 1);

    /// <summary>Appends an entry (its detail redacted of secrets), chained to the newest one, and publishes it.</summary>
    /// <returns>The entry as stored.</returns>
    public async Task<AuditEntryView> AppendAsync(
        string actor,
        string action,
        string outcome,
        string? app,
        string? detail,
        CancellationToken cancellationToken,
        long? deploymentId = null,
        string? address = null)
    {
        var entry = new AuditEvent
        {
            Actor = actor,
            Address = address,
            Action = action,
            Outcome = outcome,
            App = app,
            DeploymentId = deploymentId,
            // Redacted before hashing: the stored, hashed text is the only text there is.
            Detail = detail is null ? null : redactor.Redact(detail),
        };

        await _appendGate.WaitAsync(cancellationToken);
        AuditEvent? gap = null;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var head = await db.AuditHead.SingleOrDefaultAsync(h => h.Id == AuditHead.SingletonId, cancellationToken);
            if (head is null)
            {
                (head, gap) = await NewHeadAsync(db, cancellationToken);
            }

            var maxId = await db.AuditEvents.MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0;
            if (gap is not null)
            {
                Chain(db, head, gap, ref maxId);
            }

            Chain(db, head, entry, ref maxId);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _appendGate.Release();
        }

        if (gap is not null)
        {
            events.Publish(new AuditAppended(time.GetUtcNow(), AuditEntryView.From(gap)));
        }

        var view = AuditEntryView.From(entry);
        events.Publish(new AuditAppended(time.GetUtcNow(), view));
        return view;
    }

    /// <summary>Gives the entry the next id, links it to the head's hash and moves the head onto it.</summary>
    private void Chain(CutoverDbContext db, AuditHead head, AuditEvent entry, ref long maxId)
    {
        // The id is part of the hashed content, so it is chosen here rather than left to SQLite: inserting
        // first and hashing afterwards would need an UPDATE of an append-only row. Taking the larger of the
        // head and the table keeps ids unique even when rows were removed from, or forged onto, the end; the
        // previous hash comes from the head, so such a removal or forgery breaks the chain visibly.
        entry.Id = Math.Max(head.LastId, maxId) + 1;
        entry.At = time.GetUtcNow().UtcDateTime;
        entry.PreviousHash = head.LastHash;
        entry.Hash = AuditHash.Compute(entry);
        db.AuditEvents.Add(entry);
        maxId = entry.Id;

        head.LastId = entry.Id;
        head.LastHash = entry.Hash;
        head.Count++;
    }

    /// <summary>Up to <paramref name="take"/> entries, oldest first; <see cref="AuditReader"/> streams without a bound.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ListAsync(DateTime? from, DateTime? to, string? app, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.AuditEvents.AsNoTracking().AsQueryable();
        if (from is { } f)
        {
            query = query.Where(a => a.At >= f);
        }

        if (to is { } t)
        {
            query = query.Where(a => a.At < t);
        }

        if (app is not null)
        {
            query = query.Where(a => a.App == app);
        }

        return await query.OrderBy(a => a.Id).Take(take).ToListAsync(cancellationToken);
    }

    public void Dispose() => _appendGate.Dispose();

    /// <summary>The head of a trail that has none: a new one, and the entry recording that it was missing, if it should have been there.</summary>
    /// <remarks>
    /// The head is created with the first chained entry (or by <see cref="AuditChainBackfill"/> on an upgrade), so a
    /// trail holding chained entries without one has lost it, most likely together with its newest entries. Rebuilding
    /// it from what remains would make that removal verify as intact; instead the gap is written into the trail,
    /// chained after the entries that remain, and <see cref="AuditChainVerifier"/> reports it from then on.
    /// </remarks>
    private static async Task<(AuditHead Head, AuditEvent? Gap)> NewHeadAsync(CutoverDbContext db, CancellationToken cancellationToken)
    {
        var last = await db.AuditEvents.AsNoTracking().OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        var count = await db.AuditEvents.LongCountAsync(cancellationToken);
        var head = new AuditHead
        {
            LastId = last?.Id ?? 0,
            LastHash = last?.Hash ?? AuditHash.Genesis,
            Count = count,
        };
        db.AuditHead.Add(head);
        if (last is null || !await db.AuditEvents.AnyAsync(a => a.Hash != null, cancellationToken))
        {
            // Empty, or only rows from before the chain that start-up did not chain: nothing was vouched for yet.
            return (head, null);
        }

        var gap = new AuditEvent
        {
            Actor = AuditHeadMissing.Actor,
            Action = AuditHeadMissing.Action,
            Outcome = "failed",
            Detail = $"The trail's head record was missing when Cutover next wrote to it; the trail then ended at entry {last.Id} and held {count} entries. "
                + "Entries written after those may have been removed without a trace.",
        };
        return (head, gap);
    }
}
