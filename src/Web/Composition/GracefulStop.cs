using Cutover.Engine.Configuration;
using Cutover.Proxy;
using Cutover.Proxy.Draining;

namespace Cutover.Web.Composition;

/// <summary>Every stop of the host (SIGTERM, Ctrl+C, a takeover): app listeners stop accepting at once and drain, then the host exits.</summary>
/// <remarks>
/// Started in <see cref="IHostedLifecycleService.StoppingAsync"/>, before any hosted service stops, so that the
/// app listeners close while the admin listener closes too; awaited in <see cref="StopAsync"/>. App containers
/// are left running: the next host (or this one restarted) serves them again.
/// </remarks>
internal sealed class GracefulStop(TrafficRouter router, AppsConfigMonitor config) : IHostedLifecycleService
{
    private Task _draining = Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Not bound to the host's shutdown token: each app's drain timeouts bound it, as the design says.
        _draining = router.StopAcceptingAsync(TimeoutsOf, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _draining;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private DrainTimeouts TimeoutsOf(string app)
    {
        // Only apps that have a listener are asked for, and listeners exist only once apps.yaml is loaded.
        var drain = config.Current.Apps.GetValueOrDefault(app)?.Drain ?? DrainSpec.Default;
        return new DrainTimeouts(drain.Timeout, drain.WebSocketTimeout);
    }
}
