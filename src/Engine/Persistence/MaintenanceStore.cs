using Cutover.Engine.Maintenance;
using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Which applications are in maintenance, with their notices: one row per app, removed when lifted.</summary>
public sealed class MaintenanceStore(IDbContextFactory<CutoverDbContext> dbFactory)
{
    public async Task<IReadOnlyDictionary<string, MaintenanceState>> GetAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Maintenance.AsNoTracking().ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.App, r => new MaintenanceState(r.Message, r.RetryAfterSeconds, r.Since.AsUtc(), r.By), StringComparer.Ordinal);
    }

    public async Task SetAsync(string app, MaintenanceState state, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Maintenance.SingleOrDefaultAsync(m => m.App == app, cancellationToken);
        if (row is null)
        {
            row = new MaintenanceRecord { App = app, By = state.By };
            db.Maintenance.Add(row);
        }

        row.Message = state.Message;
        row.RetryAfterSeconds = state.RetryAfterSeconds;
        row.Since = state.Since.UtcDateTime;
        row.By = state.By;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RemoveAsync(string app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Maintenance.Where(m => m.App == app).ExecuteDeleteAsync(cancellationToken);
    }
}
