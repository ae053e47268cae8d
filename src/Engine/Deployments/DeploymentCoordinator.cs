using System.Collections.Concurrent;
using Cutover.Engine.Configuration;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.Secrets;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Deployments;

/// <summary>Accepts deployment requests: one at a time per app (a second is refused), apps in parallel.</summary>
/// <remarks>
/// A second request for a busy app is refused rather than queued: a caller such as s3dock then knows at once
/// that its image is not the one going out, instead of finding out minutes later, and can retry or wait.
/// </remarks>
public sealed partial class DeploymentCoordinator(
    AppsConfigMonitor config,
    DeploymentStore deployments,
    AppStateStore state,
    AuditLog audit,
    DeploymentRunner runner,
    RollbackTargets rollbackTargets,
    SecretRedactor redactor,
    ILogger<DeploymentCoordinator> logger) : IAsyncDisposable
{
    /// <summary>How long a request waits for an ended deployment's after-work before it is refused as a conflict.</summary>
    private static readonly TimeSpan AfterWorkBound = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, RunningDeployment> _runs = new();
    private readonly ConcurrentDictionary<long, Task> _tasks = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The deployment under way for the app, if any.</summary>
    public long? RunningFor(string app) => _running.TryGetValue(app, out var id) ? id : null;

    /// <summary>Stores the deployment as queued and starts it in the background, or says why not (audited either way).</summary>
    public async Task<Admission> RequestAsync(DeploymentRequest request, CancellationToken cancellationToken)
    {
        if (!config.Current.Apps.TryGetValue(request.App, out var spec))
        {
            return await RefuseAsync(request, Refusal.UnknownApp(request.App), cancellationToken);
        }

        if (await FindReplayAsync(request, cancellationToken) is { } replay)
        {
            return replay;
        }

        var gate = _locks.GetOrAdd(request.App, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            // A retry that arrives while its first attempt is still being stored finds it here.
            if (await FindReplayAsync(request, cancellationToken) is { } late)
            {
                return late;
            }

            var running = RunningFor(request.App);
            if (!await WaitForAfterWorkAsync(running, gate, cancellationToken))
            {
                return await RefuseAsync(request, Refusal.UnderWay(request.App, running ?? 0), cancellationToken);
            }
        }

        try
        {
            var (record, release) = await PlanAsync(request, spec, cancellationToken);
            var view = await deployments.CreateAsync(record, cancellationToken);
            await audit.AppendAsync(request.RequestedBy, $"deployment.{request.Kind.ToString().ToLowerInvariant()}", "ok", request.App,
                $"{view.Image} to {view.Slot.Name()}"
                    + (release is null ? string.Empty : $" (the release of deployment {release.DeploymentId})")
                    + (view.Reason is null ? string.Empty : $": {view.Reason}")
                    + (record.Metadata is null ? string.Empty : $" {record.Metadata}"), cancellationToken, view.Id, request.Address);
            var run = new RunningDeployment(view.Id);
            _running[request.App] = view.Id;
            _runs[view.Id] = run;
            _tasks[view.Id] = RunAsync(view, spec, run, gate, (r, ct) => runner.RunAsync(view, spec, r, ct));
            Log.Accepted(logger, request.App, view.Id, view.Image, view.Slot, request.RequestedBy);
            return new Admission.Accepted(view);
        }
        catch (DeploymentRequestException ex)
        {
            gate.Release();
            return await RefuseAsync(request, Refusal.Of(ex), cancellationToken);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>Stops a deployment that has not switched yet: <see cref="DeploymentStatus.Cancelled"/>, or rolled back once held (paused, canary); or says why not.</summary>
    public async Task<Admission> CancelAsync(long id, string requestedBy, string? address, CancellationToken cancellationToken)
    {
        var (run, stored, notRunning) = await FindRunAsync(id, "deployment.cancel", RefusalKind.CannotCancel, requestedBy, address, cancellationToken);
        if (notRunning is not null)
        {
            return notRunning;
        }

        if (!run!.TryCancel(requestedBy))
        {
            var why = $"Deployment {id} has already switched traffic to its new slot; abort it (traffic goes back to the old slot at once) or roll back.";
            await audit.AppendAsync(requestedBy, "deployment.cancel", "refused", stored.App, why, cancellationToken, id, address);
            return new Admission.Refused(new Refusal(RefusalKind.CannotCancel, why));
        }

        await audit.AppendAsync(requestedBy, "deployment.cancel", "ok", stored.App, "cancel requested before the switch", cancellationToken, id, address);
        return new Admission.Accepted(stored);
    }

    /// <summary>
    /// Stops a deployment at any point before its old slot is stopped: before traffic reached the new slot it is a cancel;
    /// after (paused, canary, draining, watching) all new requests go back to the old slot at once and it ends <c>rolled_back</c>.
    /// </summary>
    /// <returns>Refused when it is not under way, or is completing.</returns>
    public async Task<Admission> AbortAsync(long id, string requestedBy, string? address, CancellationToken cancellationToken)
    {
        var (run, stored, notRunning) = await FindRunAsync(id, "deployment.abort", RefusalKind.CannotAbort, requestedBy, address, cancellationToken);
        if (notRunning is not null)
        {
            return notRunning;
        }

        if (run!.TryAbort(requestedBy) is { } why)
        {
            await audit.AppendAsync(requestedBy, "deployment.abort", "refused", stored.App, why, cancellationToken, id, address);
            return new Admission.Refused(new Refusal(RefusalKind.CannotAbort, why));
        }

        await audit.AppendAsync(requestedBy, "deployment.abort", "ok", stored.App, $"abort requested while {stored.Status.ToSnakeCase()}", cancellationToken, id, address);
        return new Admission.Accepted(stored);
    }

    /// <summary>Ends a paused wait or a canary step's hold: the next step, or with <paramref name="full"/> straight to 100%.</summary>
    /// <returns>Refused when it is not under way, or not paused nor in a canary step.</returns>
    public async Task<Admission> PromoteAsync(long id, bool full, string requestedBy, string? address, CancellationToken cancellationToken)
    {
        var (run, stored, notRunning) = await FindRunAsync(id, "deployment.promote", RefusalKind.CannotPromote, requestedBy, address, cancellationToken);
        if (notRunning is not null)
        {
            return notRunning;
        }

        if (run!.TryPromote(requestedBy, full) is { } why)
        {
            await audit.AppendAsync(requestedBy, "deployment.promote", "refused", stored.App, why, cancellationToken, id, address);
            return new Admission.Refused(new Refusal(RefusalKind.CannotPromote, why));
        }

        var at = stored.CanaryWeight is { } weight ? $" at {weight}%" : string.Empty;
        await audit.AppendAsync(requestedBy, "deployment.promote", "ok", stored.App, (full ? "promoted to 100%" : "promoted to the next step") + at, cancellationToken, id, address);
        return new Admission.Accepted(stored);
    }

    /// <summary>Takes up a deployment a restart interrupted while paused, in a canary step or watching; its new container runs.</summary>
    /// <returns>False when the app already has a deployment under way.</returns>
    public bool Resume(DeploymentView deployment, AppSpec spec, string containerId)
    {
        var gate = _locks.GetOrAdd(deployment.App, _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            return false;
        }

        var run = new RunningDeployment(deployment.Id);
        _running[deployment.App] = deployment.Id;
        _runs[deployment.Id] = run;
        _tasks[deployment.Id] = RunAsync(deployment, spec, run, gate, (r, ct) => runner.ResumeAsync(deployment, spec, r, containerId, ct));
        Log.Resumed(logger, deployment.App, deployment.Id, deployment.Status.ToSnakeCase());
        return true;
    }

    /// <summary>The deployment's run and stored state; for one that is not under way, the refusal (already audited).</summary>
    /// <param name="tooLate">The kind of refusal for a deployment that has ended.</param>
    private async Task<(RunningDeployment? Run, DeploymentView Stored, Admission.Refused? NotRunning)> FindRunAsync(
        long id, string action, RefusalKind tooLate, string requestedBy, string? address, CancellationToken cancellationToken)
    {
        var stored = await deployments.GetAsync(id, cancellationToken);
        if (stored is not null && _runs.TryGetValue(id, out var run))
        {
            return (run, stored, null);
        }

        var refusal = stored is null
            ? new Refusal(RefusalKind.UnknownDeployment, $"There is no deployment {id}.")
            : new Refusal(tooLate, $"Deployment {id} has already ended: {stored.Status.ToSnakeCase()}.");
        await audit.AppendAsync(requestedBy, action, "refused", stored?.App, refusal.Reason, cancellationToken, stored is null ? null : id, address);
        return (null, stored!, new Admission.Refused(refusal));
    }

    /// <summary>Waits until the deployment ends or <paramref name="bound"/> passes; returns it as stored then.</summary>
    public async Task<DeploymentView?> WaitAsync(long id, TimeSpan bound, CancellationToken cancellationToken)
    {
        if (_runs.TryGetValue(id, out var run))
        {
            try
            {
                await run.Ended.WaitAsync(bound, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The caller reads the status and tells its own client the deployment still runs.
            }
        }

        return await deployments.GetAsync(id, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_tasks.Values);
        }
        catch (OperationCanceledException)
        {
            // Interrupted deployments are recovered at the next start.
        }

        _stopping.Dispose();
    }

    /// <returns>The deployment to store and, for a rollback, the release it goes back to.</returns>
    private async Task<(DeploymentRecord Record, Release? Release)> PlanAsync(DeploymentRequest request, AppSpec spec, CancellationToken cancellationToken)
    {
        var current = await state.GetAsync(request.App, cancellationToken);
        var active = current?.ActiveSlot;
        var target = active?.Other() ?? Slot.Blue;
        // Not whatever the idle slot holds: after a rolled-back deployment, that is the image that never became healthy.
        var release = request.Kind == DeploymentKind.Rollback
            ? (await rollbackTargets.PlanAsync(request.App, request.To, cancellationToken)).Target
            : null;
        var image = request.Kind switch
        {
            DeploymentKind.Deploy => request.Image ?? spec.Image,
            DeploymentKind.Redeploy => current?.ActiveImage ?? spec.Image,
            DeploymentKind.Rollback => release!.Image,
            _ => throw new ArgumentOutOfRangeException(nameof(request)),
        };

        if (!ImageReference.IsValid(image, out var error))
        {
            throw new DeploymentRequestException($"'{ImageReference.Shown(image)}' is not a valid image reference: {error}");
        }

        return (new DeploymentRecord
        {
            IdempotencyKey = request.IdempotencyKey,
            App = request.App,
            Image = image,
            Kind = request.Kind,
            Slot = target,
            PreviousSlot = active,
            PreviousImage = current?.ActiveImage,
            RequestedBy = request.RequestedBy,
            // A requester may paste a secret into a reason or metadata; what is stored is shown everywhere.
            Reason = request.Reason is null ? null : redactor.Redact(request.Reason),
            Metadata = request.Metadata is null ? null : redactor.Redact(request.Metadata),
        }, release);
    }

    /// <summary>Every refusal is audited here, whoever asked (API, console, engine), so no caller can forget to.</summary>
    private async Task<Admission> RefuseAsync(DeploymentRequest request, Refusal refusal, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(request.RequestedBy, $"deployment.{request.Kind.ToString().ToLowerInvariant()}", "refused", request.App,
            (request.Image is not null ? $"{request.Image}: " : request.To is { } to ? $"to {to}: " : string.Empty) + refusal.Reason, cancellationToken, address: request.Address);
        return new Admission.Refused(refusal);
    }

    private async Task<Admission?> FindReplayAsync(DeploymentRequest request, CancellationToken cancellationToken)
    {
        if (request.IdempotencyKey is not { } key || await deployments.FindByIdempotencyKeyAsync(request.App, key, cancellationToken) is not { } first)
        {
            return null;
        }

        return first.Kind != request.Kind || (request.Image is not null && request.Image != first.Image)
            ? await RefuseAsync(request, Refusal.KeyReused(key, first), cancellationToken)
            : new Admission.Accepted(first, Replayed: true);
    }

    /// <summary>
    /// Takes the app's gate once the deployment holding it has ended and only finishes its after-work (its audit
    /// entry, image retention): whoever saw it end may deploy next, and a 409 naming an ended deployment would be wrong.
    /// </summary>
    private async Task<bool> WaitForAfterWorkAsync(long? running, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        // No id: another request holds the gate while it is being stored; it is the one under way.
        if (running is not { } id || await deployments.GetAsync(id, cancellationToken) is not { } stored || !stored.Status.IsTerminal())
        {
            return false;
        }

        return await gate.WaitAsync(AfterWorkBound, cancellationToken);
    }

    private async Task RunAsync(DeploymentView view, AppSpec spec, RunningDeployment run, SemaphoreSlim gate, Func<RunningDeployment, CancellationToken, Task> body)
    {
        // Off the caller's thread and token: the request returns 202 while the deployment goes on.
        await Task.Yield();
        try
        {
            await body(run, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The runner records its own failures; this is a failure to record one (e.g. the database is gone).
            Log.Crashed(logger, view.App, view.Id, ex);
        }
        finally
        {
            _runs.TryRemove(view.Id, out _);
            _tasks.TryRemove(view.Id, out _);
            run.MarkEnded();
            run.Dispose();
            // The gate goes first, and the app's running id only if it is still this one: a request that finds the gate
            // held meanwhile sees this (ended) deployment and waits for the gate instead of being refused for "deployment 0".
            gate.Release();
            _running.TryRemove(KeyValuePair.Create(view.App, view.Id));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Deployment {DeploymentId} of {App} accepted: {Image} to {Slot}, requested by {RequestedBy}")]
        public static partial void Accepted(ILogger logger, string app, long deploymentId, string image, Slot slot, string requestedBy);

        [LoggerMessage(3, LogLevel.Warning, "Deployment {DeploymentId} of {App} resumed after a restart while {Status}")]
        public static partial void Resumed(ILogger logger, string app, long deploymentId, string status);

        [LoggerMessage(2, LogLevel.Critical, "Deployment {DeploymentId} of {App} could not record its outcome")]
        public static partial void Crashed(ILogger logger, string app, long deploymentId, Exception exception);
    }
}
