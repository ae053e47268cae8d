using Cutover.Engine.Audit;
using Cutover.Engine.Deployments;

namespace Cutover.Tests.Unit.Engine.Deployments;

public sealed class DeploymentRedactionTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync("""
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            health: { interval: 1s, healthy_after: 1, deadline: 10s }
            container:
              env: { DB_PASSWORD: hunter2-db }
        """);

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task CrashedContainer_ItsOutputIsRedacted_InTheErrorAndTheAudit()
    {
        _engine.Runtime.ExitOnStart = true;
        _engine.Runtime.LogLines = ["connecting as shop with password hunter2-db", "fatal: refused"];
        _engine.Probe.Failing[28081] = true;

        var done = await _engine.DeployAsync("shop");

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Contains("last output: connecting as shop with password *** | fatal: refused", done.Error);
        Assert.DoesNotContain("hunter2-db", done.Error);
        var audit = new List<AuditEntryView>();
        await foreach (var entry in _engine.Get<AuditReader>().ReadAsync(new AuditFilter(Action: "deployment.rolled_back"), CancellationToken.None))
        {
            audit.Add(entry);
        }

        Assert.Contains("password ***", Assert.Single(audit).Detail);
    }
}
