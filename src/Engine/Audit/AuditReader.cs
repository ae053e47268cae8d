using System.Runtime.CompilerServices;
using Cutover.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Audit;

/// <summary>Streams audit entries, oldest first, a page at a time, so that exporting a large trail holds one page in memory.</summary>
public sealed class AuditReader(IDbContextFactory<CutoverDbContext> dbFactory)
{
    private const int PageSize = 500;

    public async IAsyncEnumerable<AuditEntryView> ReadAsync(AuditFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            // A context per page: a slow consumer (an HTTP download) then holds no connection between pages.
            List<Persistence.Entities.AuditEvent> page;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                page = await Filtered(db, filter).Where(a => a.Id > after).OrderBy(a => a.Id).Take(PageSize).ToListAsync(cancellationToken);
            }

            foreach (var entry in page)
            {
                yield return AuditEntryView.From(entry);
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }

    private static IQueryable<Persistence.Entities.AuditEvent> Filtered(CutoverDbContext db, AuditFilter filter)
    {
        var query = db.AuditEvents.AsNoTracking();
        if (filter.From is { } from)
        {
            var fromUtc = from.UtcDateTime;
            query = query.Where(a => a.At >= fromUtc);
        }

        if (filter.To is { } to)
        {
            var toUtc = to.UtcDateTime;
            query = query.Where(a => a.At < toUtc);
        }

        if (filter.App is { } app)
        {
            query = query.Where(a => a.App == app);
        }

        if (filter.Actor is { } actor)
        {
            query = query.Where(a => a.Actor == actor);
        }

        if (filter.Action is { } action)
        {
            query = query.Where(a => a.Action == action);
        }

        return query;
    }
}
