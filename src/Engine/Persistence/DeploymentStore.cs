using Cutover.Engine.Analysis;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.Secrets;
using Cutover.Engine.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Deployments and their steps: every transition is stored before it takes effect, then published.</summary>
/// <remarks>
/// Step messages and errors quote Docker's errors and a failed container's output, which may hold a secret: they
/// are redacted here, where every path to the table passes, whatever the caller already did.
/// </remarks>
public sealed class DeploymentStore(IDbContextFactory<CutoverDbContext> dbFactory, TimeProvider time, EngineEventStream events, SecretRedactor redactor, EngineMetrics metrics)
{
    /// <summary>Stores a new deployment as queued.</summary>
    public async Task<DeploymentView> CreateAsync(DeploymentRecord record, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        record.Status = DeploymentStatus.Queued;
        record.CreatedAt = now;
        record.Reason = Redact(record.Reason);
        record.Error = Redact(record.Error);
        record.Steps.Add(new DeploymentStep { Status = DeploymentStatus.Queued, At = now, Message = record.Reason });
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Deployments.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return Publish(record);
    }

    /// <summary>Moves a deployment to <paramref name="status"/>, recording the step (and the error, for a failure).</summary>
    public async Task<DeploymentView> TransitionAsync(
        long id,
        DeploymentStatus status,
        string? message,
        CancellationToken cancellationToken,
        string? error = null,
        RolloutPosition? position = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.Deployments.Include(d => d.Steps).Include(d => d.Analyses).SingleAsync(d => d.Id == id, cancellationToken);
        record.Status = status;
        if (position is not null)
        {
            // In the same save as the step: a restart finds the weight that the stored status says is in effect.
            record.CanaryStep = position.CanaryStep;
            record.CanaryWeight = position.CanaryWeight;
            record.WatchUntil = position.WatchUntil?.UtcDateTime;
        }

        record.Steps.Add(new DeploymentStep { Status = status, At = now, Message = Redact(message) });
        if (status.IsTerminal())
        {
            record.FinishedAt = now;
            record.Error = Redact(error);
        }

        await db.SaveChangesAsync(cancellationToken);
        var view = Publish(record);
        // Here, where every deployment ends (runner, recovery, cancel), so each is counted once.
        metrics.DeploymentEnded(view);
        return view;
    }

    /// <summary>Stores one analysis interval of the deployment's new slot and tells the live views.</summary>
    public async Task<AnalysisView> RecordAnalysisAsync(long id, string app, string phase, int weight, AnalysisResult result, CancellationToken cancellationToken)
    {
        var row = new DeploymentAnalysis
        {
            DeploymentId = id,
            Phase = phase,
            Weight = weight,
            Start = result.Start.UtcDateTime,
            End = result.End.UtcDateTime,
            Outcome = result.Outcome,
            Requests = result.Requests,
            Errors = result.Errors,
            ErrorRate = result.ErrorRate,
            P95Ms = result.P95Ms,
            Summary = result.Summary.Length > 500 ? result.Summary[..500] : result.Summary,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.DeploymentAnalyses.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        var view = AnalysisView.From(row);
        events.Publish(new DeploymentAnalyzed(time.GetUtcNow(), app, id, view));
        return view;
    }

    public async Task<DeploymentView?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.Deployments.AsNoTracking().Include(d => d.Steps).Include(d => d.Analyses).SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        return record is null ? null : DeploymentView.From(record);
    }

    public async Task<DeploymentView?> FindByIdempotencyKeyAsync(string app, string key, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.Deployments.AsNoTracking().Include(d => d.Steps).Include(d => d.Analyses)
            .SingleOrDefaultAsync(d => d.App == app && d.IdempotencyKey == key, cancellationToken);
        return record is null ? null : DeploymentView.From(record);
    }

    /// <summary>The app's newest completed deployment: the one that put its current image in service.</summary>
    public async Task<DeploymentView?> LastCompletedAsync(string app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.Deployments.AsNoTracking().Include(d => d.Steps).Include(d => d.Analyses)
            .Where(d => d.App == app && d.Status == DeploymentStatus.Completed)
            .OrderByDescending(d => d.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return record is null ? null : DeploymentView.From(record);
    }

    /// <summary>Every image the app has served, once each with its newest completed deployment, newest first.</summary>
    /// <remarks>Any kind counts (a rollback serves a release too); a redeploy adds no release, as its image is already listed.</remarks>
    public async Task<IReadOnlyList<Release>> ListReleasesAsync(string app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var completed = await db.Deployments.AsNoTracking()
            .Where(d => d.App == app && d.Status == DeploymentStatus.Completed)
            .OrderByDescending(d => d.Id)
            .Select(d => new { d.Id, d.Image, d.FinishedAt, d.CreatedAt })
            .ToListAsync(cancellationToken);
        return completed.DistinctBy(d => d.Image, StringComparer.Ordinal)
            .Select(d => new Release(d.Image, d.Id, (d.FinishedAt ?? d.CreatedAt).AsUtc()))
            .ToArray();
    }

    /// <summary>One page of deployments, newest first, optionally of one app and one status.</summary>
    public async Task<DeploymentPage> ListAsync(string? app, DeploymentStatus? status, int skip, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Deployments.AsNoTracking().AsQueryable();
        if (app is not null)
        {
            query = query.Where(d => d.App == app);
        }

        if (status is { } s)
        {
            query = query.Where(d => d.Status == s);
        }

        var total = await query.CountAsync(cancellationToken);
        var records = await query.Include(d => d.Steps).Include(d => d.Analyses).OrderByDescending(d => d.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new DeploymentPage(records.Select(DeploymentView.From).ToArray(), total, skip, take);
    }

    /// <summary>Outcome counts and durations of finished deployments, per app.</summary>
    public async Task<IReadOnlyList<DeploymentStats>> StatsAsync(string? app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Deployments.AsNoTracking().Where(d => d.FinishedAt != null);
        if (app is not null)
        {
            query = query.Where(d => d.App == app);
        }

        var finished = await query
            .Select(d => new FinishedDeployment(d.App, d.Status, d.CreatedAt, d.FinishedAt!.Value, d.Id))
            .ToListAsync(cancellationToken);
        return finished.GroupBy(d => d.App, StringComparer.Ordinal)
            .Select(g => DeploymentStats.Of(g.Key, g.ToArray()))
            .OrderBy(s => s.App, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>An app's deployments that finished at or after <paramref name="since"/>, oldest first.</summary>
    public async Task<IReadOnlyList<FinishedDeployment>> ListFinishedSinceAsync(string app, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var from = since.UtcDateTime;
        return await db.Deployments.AsNoTracking()
            .Where(d => d.App == app && d.FinishedAt != null && d.FinishedAt >= from)
            .OrderBy(d => d.Id)
            .Select(d => new FinishedDeployment(d.App, d.Status, d.CreatedAt, d.FinishedAt!.Value, d.Id))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Deployments that were under way when the host last stopped.</summary>
    public async Task<IReadOnlyList<DeploymentView>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var terminal = Enum.GetValues<DeploymentStatus>().Where(s => s.IsTerminal()).ToArray();
        var records = await db.Deployments.AsNoTracking().Include(d => d.Steps).Include(d => d.Analyses)
            .Where(d => !terminal.Contains(d.Status))
            .OrderBy(d => d.Id)
            .ToListAsync(cancellationToken);
        return records.Select(DeploymentView.From).ToArray();
    }

    private DeploymentView Publish(DeploymentRecord record)
    {
        var view = DeploymentView.From(record);
        events.Publish(new DeploymentChanged(time.GetUtcNow(), view));
        return view;
    }

    private string? Redact(string? text) => text is null ? null : redactor.Redact(text);
}
