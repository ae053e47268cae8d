using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Tests.Unit.ConsoleUi;
using Cutover.Web.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Web.Memory;

public sealed class MemoryAfterDeploymentsTests : IAsyncLifetime
{
    private readonly EngineEventStream _events = new();
    private readonly FakeTimeProvider _time = new(Samples.Now);
    private readonly MemoryAfterDeployments _service;
    private int _releases;

    public MemoryAfterDeploymentsTests()
    {
        _service = new MemoryAfterDeployments(_events, _time, NullLogger<MemoryAfterDeployments>.Instance, () => Interlocked.Increment(ref _releases));
    }

    public Task InitializeAsync() => _service.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
    }

    [Fact]
    public async Task Memory_is_released_once_deployments_have_been_quiet_for_30_s()
    {
        await PublishAsync(Changed(DeploymentStatus.Completed));

        await AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(0, _releases);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => _releases == 1, "a release 30 s after the change");

        await AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(1, _releases);
    }

    [Fact]
    public async Task Each_deployment_change_restarts_the_quiet_period()
    {
        for (var i = 0; i < 5; i++)
        {
            await PublishAsync(Changed(DeploymentStatus.HealthChecking));
            await AdvanceAsync(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(0, _releases);

        _time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => _releases == 1, "a release 30 s after the last change");
    }

    [Fact]
    public async Task Health_checks_do_not_postpone_the_release()
    {
        await PublishAsync(Changed(DeploymentStatus.Completed));
        for (var i = 0; i < 5; i++)
        {
            await AdvanceAsync(TimeSpan.FromSeconds(5));
            await PublishAsync(HealthChecked());
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.HoldsAsync(() => _releases == 1, "a release 30 s after the change, health checks or not");
    }

    [Fact]
    public async Task Other_events_alone_release_nothing()
    {
        _events.Publish(HealthChecked());
        _events.Publish(new ConfigApplied(Samples.Now, "apps.yaml", ["shop"], []));
        await Task.Delay(100);

        _time.Advance(TimeSpan.FromMinutes(2));
        await Task.Delay(100);

        Assert.Equal(0, _releases);
        Assert.Equal(0, _service.QuietWaits);
    }

    [Fact]
    public async Task A_new_burst_after_a_release_is_released_again()
    {
        await PublishAsync(Changed(DeploymentStatus.Completed));
        _time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(() => _releases == 1, "the first release");

        await PublishAsync(Changed(DeploymentStatus.Completed));
        _time.Advance(TimeSpan.FromSeconds(30));

        await Eventually.HoldsAsync(() => _releases == 2, "the second release");
    }

    private static DeploymentChanged Changed(DeploymentStatus status) =>
        new(Samples.Now, Samples.Deployment(7, status, "shop:1.0"));

    private static HealthChecked HealthChecked() =>
        new(Samples.Now, "shop", Slot.Green, new HealthResult(Samples.Now, true, 200, TimeSpan.FromMilliseconds(3), null), null);

    /// <summary>Publishes, then waits until the service has taken the event and waits for quiet again (time moves only then).</summary>
    private async Task PublishAsync(EngineEvent engineEvent)
    {
        var waits = _service.QuietWaits;
        _events.Publish(engineEvent);
        await Eventually.HoldsAsync(() => _service.QuietWaits > waits, "the service waiting for quiet");
    }

    /// <summary>Moves time, then gives a release that this made due (wrongly or not) the moment to show.</summary>
    private async Task AdvanceAsync(TimeSpan by)
    {
        _time.Advance(by);
        await Task.Delay(20);
    }
}
