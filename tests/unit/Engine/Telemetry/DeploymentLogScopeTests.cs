using Cutover.Engine.Deployments;
using Cutover.Tests.Unit.Engine.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cutover.Tests.Unit.Engine.Telemetry;

/// <summary>Logs written while a deployment runs name its app and id, so JSON logs can be filtered by either.</summary>
public sealed class DeploymentLogScopeTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() =>
        _engine = await EngineHarness.StartAsync(configure: services => services.AddSingleton<ILoggerProvider>(_logs));

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task LogsDuringADeployment_CarryTheAppAndTheDeploymentIdInScope()
    {
        await _engine.DeployAsync("shop");
        _engine.Probe.Failing[28082] = true;

        var rolledBack = await _engine.DeployAsync("shop", "demo:v2");

        Assert.Equal(DeploymentStatus.RolledBack, rolledBack.Status);
        var entry = Assert.Single(_logs.Entries, e => e.Category == typeof(DeploymentRunner).FullName && e.Message.Contains("rolled back", StringComparison.Ordinal));
        Assert.Equal("shop", entry.Scope["app"]);
        Assert.Equal(rolledBack.Id, entry.Scope["deployment"]);
    }

    [Fact]
    public async Task LogsOfTwoAppsDeployingAtOnce_EachNameTheirOwnDeployment()
    {
        var shop = await _engine.RequestAsync("shop");
        var blog = await _engine.RequestAsync("blog");
        await _engine.WaitForEndAsync(shop.Id);
        await _engine.WaitForEndAsync(blog.Id);

        var completed = _logs.Entries.Where(e => e.Message.Contains("completed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, completed.Count);
        Assert.All(completed, e => Assert.Equal(e.Scope["app"], e.Message.Contains("of shop", StringComparison.Ordinal) ? "shop" : "blog"));
        Assert.Contains(completed, e => Equals(e.Scope["deployment"], shop.Id) && Equals(e.Scope["app"], "shop"));
        Assert.Contains(completed, e => Equals(e.Scope["deployment"], blog.Id) && Equals(e.Scope["app"], "blog"));
    }
}
