using Cutover.Engine.Events;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cutover.Tests.Unit.Engine.Health;

/// <summary>The monitor that keeps checking each app's active slot between deployments, and prunes old checks.</summary>
public sealed class ActiveHealthMonitorTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Monitor_ChecksTheActiveSlotOnly_RecordsFailures_AndNotTheIdleSlot()
    {
        await _engine.DeployAsync("shop");
        var monitor = Monitor();
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            var healthy = await WaitForChecksAsync(c => c.DeploymentId is null && c.Healthy);
            _engine.Probe.Failing[28081] = true;
            var failing = await WaitForChecksAsync(c => c.DeploymentId is null && !c.Healthy);

            Assert.All(healthy.Concat(failing), c => Assert.Equal(Slot.Blue, c.Slot));
            Assert.Equal("status 500, expected 200-399", failing[0].Error);
            Assert.DoesNotContain(28082, _engine.Probe.Checked);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Monitor_ActiveSlotTurningUnhealthyThenHealthy_PublishesEachChangeOnce()
    {
        await _engine.DeployAsync("shop");
        using var subscription = _engine.Get<EngineEventStream>().Subscribe();
        var monitor = Monitor();
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            await WaitForChecksAsync(c => c.DeploymentId is null && c.Healthy);
            _engine.Probe.Failing[28081] = true;
            await WaitForChecksAsync(c => c.DeploymentId is null && !c.Healthy);
            _engine.Probe.Failing[28081] = false;

            var changes = new List<AppHealthChanged>();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await foreach (var e in subscription.ReadAllAsync(bound.Token))
            {
                if (e is AppHealthChanged { App: "shop" } change)
                {
                    changes.Add(change);
                    if (change.Result.Healthy)
                    {
                        break;
                    }
                }
            }

            Assert.Equal([(false, true), (true, false)], changes.Select(c => (c.Result.Healthy, c.WasHealthy)));
            Assert.All(changes, c => Assert.Equal(Slot.Blue, c.Slot));
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Monitor_PrunesChecksOlderThanTheRetention()
    {
        var store = _engine.Get<HealthStore>();
        var old = _engine.Time.GetUtcNow() - TimeSpan.FromDays(8);
        await store.AddAsync("shop", Slot.Blue, new HealthResult(old, true, 200, TimeSpan.FromMilliseconds(1), null), null, CancellationToken.None);
        await store.AddAsync("shop", Slot.Blue, new HealthResult(_engine.Time.GetUtcNow(), true, 200, TimeSpan.FromMilliseconds(1), null), null, CancellationToken.None);
        var monitor = Monitor();

        await monitor.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((await store.ListAsync("shop", null, 10, CancellationToken.None)).Any(c => c.At < old.UtcDateTime.AddDays(1)))
            {
                Assert.True(DateTime.UtcNow < deadline, "the 8-day-old check was not pruned");
                await Task.Delay(10);
            }

            Assert.Single(await store.ListAsync("shop", null, 10, CancellationToken.None));
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    private ActiveHealthMonitor Monitor() => _engine.Services.GetServices<IHostedService>().OfType<ActiveHealthMonitor>().Single();

    private async Task<IReadOnlyList<HealthCheckView>> WaitForChecksAsync(
        Func<HealthCheckView, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = (await _engine.Get<HealthStore>().ListAsync("shop", null, 100, CancellationToken.None)).Where(match).ToList();
            if (found.Count >= 2)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the monitor recorded no such checks");
            await Task.Delay(10);
        }
    }
}
