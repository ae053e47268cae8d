using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Hosting;

/// <summary>Deploys apps.yaml's image when it changes: at once, or after the deployment under way, never dropped.</summary>
/// <remarks>
/// An edit that arrives while a deployment runs is queued (and audited as such) and requested when that deployment
/// ends; a later edit of the same app replaces the queued one. Which apps.yaml image was last acted on is stored
/// (<see cref="AppState.ConfigImage"/>), so an edit queued when the host stops, or made while it was stopped,
/// deploys at the next start.
/// </remarks>
public sealed partial class ConfigDeployments(
    AppsConfigMonitor config,
    DeploymentCoordinator coordinator,
    AppStateStore state,
    AuditLog audit,
    ILogger<ConfigDeployments> logger) : IAsyncDisposable
{
    private const string Requester = "config";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queued> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _waiters = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Requests a deployment of the app's apps.yaml image, or queues it behind the deployment under way.</summary>
    /// <param name="requester">"config" for an edit; "engine" for an app's first start.</param>
    public async Task RequestAsync(AppSpec spec, string reason, CancellationToken cancellationToken, string requester = Requester)
    {
        if (coordinator.RunningFor(spec.Name) is { } running)
        {
            await QueueAsync(spec, reason, running, cancellationToken);
            return;
        }

        switch (await coordinator.RequestAsync(new DeploymentRequest(spec.Name, spec.Image, DeploymentKind.Deploy, requester, reason), cancellationToken))
        {
            case Admission.Refused { Refusal: { Kind: RefusalKind.UnderWay, Deployment: var runningId } }:
                await QueueAsync(spec, reason, runningId ?? 0, cancellationToken);
                break;
            case var admission:
                admission.AcceptedDeployment();
                await state.SetConfigImageAsync(spec.Name, spec.Image, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// At start-up: deploys apps.yaml's image if it changed while Cutover was stopped (or was queued when it stopped).
    /// </summary>
    /// <returns>True when a deployment was requested or queued.</returns>
    public async Task<bool> CatchUpAsync(AppSpec spec, AppState? stored, CancellationToken cancellationToken)
    {
        if (stored is null)
        {
            return false;
        }

        if (stored.ConfigImage is null)
        {
            // A database from before this was recorded: take the file as it is, and keep what is deployed.
            await state.SetConfigImageAsync(spec.Name, spec.Image, cancellationToken);
            return false;
        }

        if (stored.ConfigImage == spec.Image)
        {
            return false;
        }

        await RequestAsync(spec, $"image changed in apps.yaml while Cutover was stopped: {stored.ConfigImage} -> {spec.Image}", cancellationToken);
        return true;
    }

    /// <summary>Forgets a queued deployment of an app that left apps.yaml.</summary>
    public void Forget(string app)
    {
        lock (_gate)
        {
            _queued.Remove(app);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] waiters;
        lock (_gate)
        {
            waiters = [.. _waiters.Values];
        }

        await Task.WhenAll(waiters);
        _stopping.Dispose();
    }

    private async Task QueueAsync(AppSpec spec, string reason, long running, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _queued[spec.Name] = new Queued(spec.Image, reason);
            if (!_waiters.ContainsKey(spec.Name))
            {
                _waiters[spec.Name] = DeployWhenIdleAsync(spec.Name);
            }
        }

        await audit.AppendAsync(Requester, "config.deploy_queued", "ok", spec.Name,
            $"{spec.Image} deploys when deployment {running} ends ({reason})", cancellationToken, running);
        Log.Queued(logger, spec.Name, spec.Image, running);
    }

    private async Task DeployWhenIdleAsync(string app)
    {
        // Off the caller's thread: the config reload goes on while this waits.
        await Task.Yield();
        var stopping = _stopping.Token;
        try
        {
            while (true)
            {
                if (coordinator.RunningFor(app) is { } running)
                {
                    await coordinator.WaitAsync(running, Timeout.InfiniteTimeSpan, stopping);
                    continue;
                }

                Queued next;
                lock (_gate)
                {
                    if (!_queued.Remove(app, out next!))
                    {
                        _waiters.Remove(app);
                        return;
                    }
                }

                // A later reload may have changed the image again (and queued that) or removed the app.
                if (!config.Current.Apps.TryGetValue(app, out var spec) || spec.Image != next.Image)
                {
                    continue;
                }

                try
                {
                    var admission = await coordinator.RequestAsync(new DeploymentRequest(app, spec.Image, DeploymentKind.Deploy, Requester, next.Reason), stopping);
                    if (admission is Admission.Refused { Refusal.Kind: RefusalKind.UnderWay })
                    {
                        // Someone else started a deployment first: wait for that one too.
                        lock (_gate)
                        {
                            _queued.TryAdd(app, next);
                        }

                        continue;
                    }

                    admission.AcceptedDeployment();
                    await state.SetConfigImageAsync(app, spec.Image, stopping);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The coordinator audited its refusal (bad image, unknown app); nothing to retry.
                    Log.QueuedFailed(logger, app, next.Image, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The stored ConfigImage still names the old image, so the next start deploys the queued one.
            lock (_gate)
            {
                _waiters.Remove(app);
            }
        }
    }

    private sealed record Queued(string Image, string Reason);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "apps.yaml changed {App} to {Image} while deployment {DeploymentId} runs; it deploys when that ends")]
        public static partial void Queued(ILogger logger, string app, string image, long deploymentId);

        [LoggerMessage(2, LogLevel.Warning, "The queued apps.yaml deployment of {Image} to {App} was refused: {Reason}")]
        public static partial void QueuedFailed(ILogger logger, string app, string image, string reason);
    }
}
