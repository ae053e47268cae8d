using Cutover.Engine;
using Cutover.Engine.Hosting;
using Cutover.Web.Composition;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web.Composition;

/// <summary>READY=1 reaches systemd only once the engine runs in this process (after a takeover, once the old host let go).</summary>
public sealed class SystemdReadinessTests
{
    private readonly RecordingNotifier _systemd = new();
    private readonly EngineReadiness _engine = new(null!, null!, null!, Options.Create(new EngineOptions()), TimeProvider.System);

    [Fact]
    public async Task Ready_BeforeTheEngineStarted_IsSentOnlyOnceItHas()
    {
        var notifier = new SystemdReadiness(_systemd, _engine);

        notifier.Notify(ServiceState.Ready);
        Assert.Empty(_systemd.Sent);

        _engine.MarkStarted();
        await Eventually.HoldsAsync(() => _systemd.Sent.Contains("READY=1"), "READY=1 sent once the engine started");
        Assert.Equal(["READY=1"], _systemd.Sent);
    }

    [Fact]
    public void Ready_AfterTheEngineStarted_IsSentAtOnce()
    {
        _engine.MarkStarted();

        new SystemdReadiness(_systemd, _engine).Notify(ServiceState.Ready);

        Assert.Equal(["READY=1"], _systemd.Sent);
    }

    [Fact]
    public void Stopping_BeforeTheEngineStarted_IsSentAtOnce()
    {
        new SystemdReadiness(_systemd, _engine).Notify(ServiceState.Stopping);

        Assert.Equal(["STOPPING=1"], _systemd.Sent);
    }

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _sent = new();

        public IReadOnlyList<string> Sent => _sent.ToArray();

        public bool IsEnabled => true;

        public void Notify(ServiceState state) => _sent.Enqueue(state.ToString());
    }
}
