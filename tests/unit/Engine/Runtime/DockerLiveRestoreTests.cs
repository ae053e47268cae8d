using Cutover.Engine.Healing;
using Cutover.Engine.Hosting;
using Cutover.Engine.Runtime;
using Cutover.Tests.Unit.Engine.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cutover.Tests.Unit.Engine.Runtime;

/// <summary>Docker's live-restore as the host reports it: read from Docker, warned about once, read again when Docker comes back.</summary>
public sealed class DockerLiveRestoreTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private EngineHarness _engine = null!;

    private DockerLiveRestore LiveRestore => _engine.Get<DockerLiveRestore>();

    public async Task InitializeAsync() =>
        _engine = await EngineHarness.StartAsync(configure: services => services.AddSingleton<ILoggerProvider>(_logs));

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Refresh_DockerSaysOff_WarnsOnceWithWhatToDo_HoweverOftenItIsRead()
    {
        await LiveRestore.RefreshAsync(CancellationToken.None);
        await LiveRestore.RefreshAsync(CancellationToken.None);

        Assert.False(LiveRestore.Enabled);
        Assert.Equal(
            "Docker live-restore is off: restarting dockerd (a Docker package upgrade does) stops every app container; turn it on: see docs/operations.md",
            LiveRestore.Warning);
        var warning = Assert.Single(Logged(), e => e.Level == LogLevel.Warning);
        Assert.Equal(DockerLiveRestore.OffWarning, warning.Message);
    }

    [Fact]
    public async Task Refresh_DockerSaysOn_SaysSoOnce_AndHasNoWarning()
    {
        _engine.Runtime.LiveRestore = true;

        await LiveRestore.RefreshAsync(CancellationToken.None);

        Assert.True(LiveRestore.Enabled);
        Assert.Null(LiveRestore.Warning);
        Assert.Equal(LogLevel.Information, Assert.Single(Logged()).Level);
    }

    [Fact]
    public async Task Refresh_WhileDockerIsAway_KeepsTheLastReading()
    {
        await LiveRestore.RefreshAsync(CancellationToken.None);
        _engine.Runtime.Reachable = false;

        await LiveRestore.RefreshAsync(CancellationToken.None);

        Assert.False(LiveRestore.Enabled);
        Assert.NotNull(LiveRestore.Warning);
    }

    [Fact]
    public async Task Readiness_WithLiveRestoreOff_StaysReady_AndItsLiveRestoreCheckCarriesTheWarning()
    {
        await LiveRestore.RefreshAsync(CancellationToken.None);

        var report = await _engine.Get<EngineReadiness>().CheckAsync(CancellationToken.None);

        Assert.True(report.Ready);
        Assert.Equal(new ReadinessCheck(true, DockerLiveRestore.OffWarning), report.Checks["live_restore"]);
    }

    [Fact]
    public async Task DockerComingBack_WithLiveRestoreTurnedOn_IsReadAgain_AndTheWarningGoes()
    {
        await LiveRestore.RefreshAsync(CancellationToken.None);
        var changes = 0;
        LiveRestore.Changed += () => Interlocked.Increment(ref changes);
        var watch = _engine.Services.GetServices<IHostedService>().OfType<ContainerWatch>().Single();
        await watch.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.HoldsAsync(() => _engine.Runtime.Watches == 1, "the watch follows Docker's events");

            // The operator turns live-restore on and restarts dockerd: the event stream breaks, Docker answers again.
            _engine.Runtime.LiveRestore = true;
            _engine.Runtime.BreakEvents();

            await Eventually.HoldsAsync(() => LiveRestore.Enabled == true, "live-restore is read again once Docker is back");
            Assert.Null(LiveRestore.Warning);
            Assert.Equal(1, Volatile.Read(ref changes));
        }
        finally
        {
            await watch.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task LiveRestoreTurnedOnByAReload_WhileDockerStaysUp_IsSeenWithinAMinute()
    {
        await LiveRestore.RefreshAsync(CancellationToken.None);
        var refresh = _engine.Services.GetServices<IHostedService>().OfType<DockerLiveRestoreRefresh>().Single();
        await refresh.StartAsync(CancellationToken.None);
        try
        {
            // systemctl reload docker: the daemon never goes away, so only the periodic read can see it.
            _engine.Runtime.LiveRestore = true;
            // The harness's clock pump is slow on a loaded machine: move a whole period at once.
            _engine.Time.Advance(DockerLiveRestoreRefresh.Every);

            await Eventually.HoldsAsync(() => LiveRestore.Enabled == true, "live-restore is read again within a minute (of fake time)");
            Assert.Null(LiveRestore.Warning);
        }
        finally
        {
            await refresh.StopAsync(CancellationToken.None);
        }
    }

    private IEnumerable<CapturingLoggerProvider.CapturedLog> Logged() =>
        _logs.Entries.Where(e => e.Category == typeof(DockerLiveRestore).FullName && e.Level >= LogLevel.Information);
}
