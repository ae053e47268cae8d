using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Health;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Hosting;

/// <summary>Carries an accepted apps.yaml edit out: new apps start, removed apps stop, a new image deploys.</summary>
/// <remarks>
/// Listener and proxy changes apply at once. Container, health and drain settings are read by each deployment, so
/// they apply from the app's next deployment; a changed slot port likewise, when that slot is next deployed.
/// </remarks>
public sealed partial class ConfigApplier(
    ConfigDeployments configDeployments,
    AppStateStore state,
    IContainerRuntime runtime,
    ITrafficSwitch traffic,
    HealthBoard board,
    AuditLog audit,
    IOptions<EngineOptions> options,
    ILogger<ConfigApplier> logger)
{
    public async Task ApplyAsync(AppsConfig before, AppsConfig after, CancellationToken cancellationToken)
    {
        foreach (var removed in before.Apps.Keys.Except(after.Apps.Keys))
        {
            await RemoveAsync(removed, cancellationToken);
        }

        foreach (var spec in after.Apps.Values)
        {
            if (!before.Apps.TryGetValue(spec.Name, out var old))
            {
                await AddAsync(spec, cancellationToken);
            }
            else
            {
                await ChangeAsync(old, spec, cancellationToken);
            }
        }
    }

    private async Task AddAsync(AppSpec spec, CancellationToken cancellationToken)
    {
        var error = await traffic.ServeAsync(spec.Name, spec.Listen, spec.Slots, spec.Proxy, cancellationToken);
        await audit.AppendAsync("config", "app.added", error is null ? "ok" : "failed", spec.Name, error ?? $"listening on {spec.Listen}", cancellationToken);
        await configDeployments.RequestAsync(spec, "added to apps.yaml", cancellationToken);
    }

    private async Task ChangeAsync(AppSpec old, AppSpec spec, CancellationToken cancellationToken)
    {
        if (!old.Listen.Equals(spec.Listen))
        {
            var containers = await state.GetContainersAsync(spec.Name, cancellationToken);
            var error = await traffic.ServeAsync(spec.Name, spec.Listen, Recovery.PortsOf(spec, containers), spec.Proxy, cancellationToken);
            await audit.AppendAsync("config", "app.listener_moved", error is null ? "ok" : "failed", spec.Name, error ?? $"{old.Listen} -> {spec.Listen}", cancellationToken);
        }
        else if (old.Proxy != spec.Proxy)
        {
            // New exchanges take the new proxy settings; those already open keep the ones they started with.
            var containers = await state.GetContainersAsync(spec.Name, cancellationToken);
            var error = await traffic.ServeAsync(spec.Name, spec.Listen, Recovery.PortsOf(spec, containers), spec.Proxy, cancellationToken);
            await audit.AppendAsync("config", "app.proxy_changed", error is null ? "ok" : "failed", spec.Name, error ?? $"{old.Proxy} -> {spec.Proxy}", cancellationToken);
        }

        if (old.Image != spec.Image)
        {
            await configDeployments.RequestAsync(spec, $"image changed in apps.yaml: {old.Image} -> {spec.Image}", cancellationToken);
        }
    }

    private async Task RemoveAsync(string app, CancellationToken cancellationToken)
    {
        // Stopping the listener lets in-flight requests finish (up to the proxy's shutdown timeout).
        configDeployments.Forget(app);
        await traffic.StopServingAsync(app, cancellationToken);
        foreach (var container in await state.GetContainersAsync(app, cancellationToken))
        {
            await runtime.StopAsync(container.ContainerId, options.Value.StopTimeout, cancellationToken);
            await runtime.RemoveAsync(container.ContainerId, cancellationToken);
        }

        await state.RemoveAppAsync(app, cancellationToken);
        board.Forget(app);
        await audit.AppendAsync("config", "app.removed", "ok", app, "removed from apps.yaml: listener closed, containers removed", cancellationToken);
        Log.Removed(logger, app);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Application {App} removed: listener closed, containers removed")]
        public static partial void Removed(ILogger logger, string app);
    }
}
