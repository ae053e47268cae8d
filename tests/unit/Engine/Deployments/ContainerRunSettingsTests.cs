using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;

namespace Cutover.Tests.Unit.Engine.Deployments;

/// <summary>A deployment hands apps.yaml's container run settings to the runtime and stops the app's containers with its own stop_timeout.</summary>
public sealed class ContainerRunSettingsTests : IAsyncLifetime
{
    private const string AppsYaml = """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            health: { path: /health, interval: 1s, timeout: 1s, healthy_after: 2, deadline: 10s }
            drain: { timeout: 5s, websocket_timeout: 2s }
            container:
              restart: on-failure
              labels: { team: web }
              stop_timeout: 3s
          blog:
            image: demo:v1
            listen: 127.0.0.1:28090
            slots: { blue: 28091, green: 28092 }
            health: { interval: 1s, healthy_after: 1, deadline: 5s }
        """;

    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync(AppsYaml);

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Deploy_WithRunSettings_CreatesTheContainerWithThem()
    {
        await _engine.DeployAsync("shop");

        var created = Assert.Single(_engine.Runtime.Created);
        Assert.Equal(RestartMode.OnFailure, created.Run.Restart);
        Assert.Equal("web", created.Run.Labels["team"]);
        Assert.Equal(TimeSpan.FromSeconds(3), created.Run.StopTimeout);
        Assert.Equal(LogSpec.Default, created.Run.Log);
    }

    [Fact]
    public async Task Deploy_AppWithStopTimeout_StopsTheOldSlotWithIt()
    {
        await _engine.DeployAsync("shop");
        var blue = _engine.Runtime.In("shop", Slot.Blue)!.Id;

        await _engine.DeployAsync("shop", "demo:v2");

        Assert.Equal((blue, TimeSpan.FromSeconds(3)), Assert.Single(_engine.Runtime.Stops));
    }

    [Fact]
    public async Task Deploy_RolledBackAppWithStopTimeout_StopsTheNewSlotWithIt()
    {
        await _engine.DeployAsync("shop");
        _engine.Probe.Failing[28082] = true;

        var done = await _engine.DeployAsync("shop", "demo:v2");

        Assert.Equal(DeploymentStatus.RolledBack, done.Status);
        Assert.Equal((_engine.Runtime.In("shop", Slot.Green)!.Id, TimeSpan.FromSeconds(3)), Assert.Single(_engine.Runtime.Stops));
    }

    [Fact]
    public async Task Deploy_AppWithoutStopTimeout_StopsWithTheHostsStopTimeout()
    {
        await _engine.DeployAsync("blog");
        await _engine.DeployAsync("blog", "demo:v2");

        Assert.Equal(TimeSpan.FromSeconds(10), Assert.Single(_engine.Runtime.Stops).Timeout);
        Assert.True(_engine.Runtime.Created.Last().Run.SameAs(ContainerRunSpec.Default));
    }
}
