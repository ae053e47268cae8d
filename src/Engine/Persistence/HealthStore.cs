using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Health-check history, pruned by age.</summary>
public sealed class HealthStore(IDbContextFactory<CutoverDbContext> dbFactory)
{
    public async Task AddAsync(string app, Slot slot, HealthResult result, long? deploymentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.HealthChecks.Add(new HealthCheckRecord
        {
            App = app,
            Slot = slot,
            At = result.At.UtcDateTime,
            StatusCode = result.StatusCode,
            LatencyMs = result.Latency.TotalMilliseconds,
            Healthy = result.Healthy,
            Error = result.Error,
            DeploymentId = deploymentId,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The newest checks of an app (optionally of one slot), newest first.</summary>
    public async Task<IReadOnlyList<HealthCheckView>> ListAsync(string app, Slot? slot, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.HealthChecks.AsNoTracking().Where(h => h.App == app);
        if (slot is { } s)
        {
            query = query.Where(h => h.Slot == s);
        }

        var rows = await query.OrderByDescending(h => h.Id).Take(take).ToListAsync(cancellationToken);
        return rows.Select(h => new HealthCheckView(h.At.AsUtc(), h.Slot, h.Healthy, h.StatusCode, h.LatencyMs, h.Error, h.DeploymentId)).ToArray();
    }

    /// <summary>Deletes checks older than <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var before = cutoff.UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.HealthChecks.Where(h => h.At < before).ExecuteDeleteAsync(cancellationToken);
    }
}
