using Cutover.Engine.Persistence;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;

namespace Cutover.Tests.Unit.Engine.Hosting;

/// <summary>A reload that changes only an app's <c>proxy:</c> section reaches the proxy at once, without a deployment.</summary>
public sealed class ProxyReloadTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Reload_ChangedIdleTimeout_IsServedAtOnceAndAudited()
    {
        var before = _engine.Get<AppsConfigMonitor>().Current;
        var shop = before.Apps["shop"] with { Proxy = new ProxySpec(TimeSpan.FromSeconds(30)) };
        var after = before with { Apps = new Dictionary<string, AppSpec>(before.Apps) { ["shop"] = shop } };

        await _engine.Get<ConfigApplier>().ApplyAsync(before, after, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(30), _engine.Traffic.ProxyOf("shop")?.IdleTimeout);
        Assert.Null(_engine.Traffic.ProxyOf("blog"));
        var audit = await _engine.Get<AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None);
        var entry = Assert.Single(audit);
        Assert.Equal(("app.proxy_changed", "ok", "idle_timeout none -> idle_timeout 30s"), (entry.Action, entry.Outcome, entry.Detail));
        Assert.Equal(0, (await _engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None)).Total);
    }
}
