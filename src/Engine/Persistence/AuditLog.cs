using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Appends to the audit trail; nothing here updates or deletes an entry.</summary>
public sealed class AuditLog(IDbContextFactory<CutoverDbContext> dbFactory, TimeProvider time)
{
    public async Task AppendAsync(
        string actor,
        string action,
        string outcome,
        string? app,
        string? detail,
        CancellationToken cancellationToken,
        long? deploymentId = null,
        string? address = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditEvents.Add(new AuditEvent
        {
            At = time.GetUtcNow().UtcDateTime,
            Actor = actor,
            Address = address,
            Action = action,
            Outcome = outcome,
            App = app,
            DeploymentId = deploymentId,
            Detail = detail,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

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
}
