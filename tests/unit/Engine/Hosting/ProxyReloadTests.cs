using System.Net;
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

    [Fact]
    public async Task Reload_ChangedTrustedProxies_IsServedAtOnceAndAudited()
    {
        var before = _engine.Get<AppsConfigMonitor>().Current;
        var shop = before.Apps["shop"] with { Proxy = ProxySpec.Default with { TrustedProxies = [IPNetwork.Parse("10.0.0.0/8")] } };
        var after = before with { Apps = new Dictionary<string, AppSpec>(before.Apps) { ["shop"] = shop } };

        await _engine.Get<ConfigApplier>().ApplyAsync(before, after, CancellationToken.None);

        Assert.Equal([IPNetwork.Parse("10.0.0.0/8")], _engine.Traffic.ProxyOf("shop")?.TrustedProxies);
        var entry = Assert.Single(await _engine.Get<AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None));
        Assert.Equal(
            ("app.proxy_changed", "ok", "idle_timeout none -> idle_timeout none, trusted_proxies [10.0.0.0/8]"),
            (entry.Action, entry.Outcome, entry.Detail));
        Assert.Equal(0, (await _engine.Deployments.ListAsync("shop", null, 0, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task Reload_SameTrustedProxiesReadAgain_IsNoChange()
    {
        var before = _engine.Get<AppsConfigMonitor>().Current;
        var trusted = before with { Apps = WithTrusted(before, "10.0.0.0/8") };
        await _engine.Get<ConfigApplier>().ApplyAsync(before, trusted, CancellationToken.None);
        var audited = (await _engine.Get<AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None)).Count;

        // A reload builds new lists every time: the same networks in a new list must not look like an edit.
        await _engine.Get<ConfigApplier>().ApplyAsync(trusted, trusted with { Apps = WithTrusted(before, "10.0.0.0/8") }, CancellationToken.None);

        Assert.Equal(audited, (await _engine.Get<AuditLog>().ListAsync(null, null, "shop", 100, CancellationToken.None)).Count);
    }

    private static Dictionary<string, AppSpec> WithTrusted(AppsConfig config, string network) =>
        new(config.Apps) { ["shop"] = config.Apps["shop"] with { Proxy = ProxySpec.Default with { TrustedProxies = [IPNetwork.Parse(network)] } } };
}
