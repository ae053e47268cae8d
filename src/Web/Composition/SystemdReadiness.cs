using Cutover.Engine.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Cutover.Web.Composition;

/// <summary>Tells systemd READY=1 only once this process runs the engine, so that <c>systemctl start</c> of a takeover returns when it is done.</summary>
/// <remarks>
/// UseSystemd sends READY=1 at ApplicationStarted. For a plain start the engine has started by then. For a
/// takeover, ApplicationStarted only means the listeners are bound beside the running host's: that host has not
/// even been asked to stop yet (<see cref="TakeoverSequence"/> does it then). Readiness therefore waits for
/// <see cref="EngineReadiness.Started"/>: the old host has drained and exited, this one holds the lock and has
/// migrated the database. If the takeover fails this process exits 1 without READY=1, and the start fails.
/// Not reconciliation: a host whose Docker is down still serves the stored routes and must not fail to start.
/// </remarks>
internal sealed class SystemdReadiness(ISystemdNotifier inner, EngineReadiness engine) : ISystemdNotifier
{
    public bool IsEnabled => inner.IsEnabled;

    public void Notify(ServiceState state)
    {
        if (state.ToString() != ServiceState.Ready.ToString() || engine.Started.IsCompleted)
        {
            inner.Notify(state);
            return;
        }

        engine.Started.ContinueWith(_ => inner.Notify(state), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }
}

/// <summary>Registers systemd integration (Type=notify, journald log format) when systemd runs the host.</summary>
internal static class SystemdReadinessExtensions
{
    public static WebApplicationBuilder AddSystemdReadiness(this WebApplicationBuilder builder)
    {
        // Does nothing outside systemd; under it: SIGTERM stops, STOPPING=1 on stop, log lines carry journald priorities.
        builder.Services.AddSystemd();
        if (SystemdHelpers.IsSystemdService())
        {
            builder.Services.AddSingleton<ISystemdNotifier>(sp => new SystemdReadiness(new SystemdNotifier(), sp.GetRequiredService<EngineReadiness>()));
        }

        return builder;
    }
}
