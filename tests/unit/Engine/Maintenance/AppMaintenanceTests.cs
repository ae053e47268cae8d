using Cutover.Engine.Audit;
using Cutover.Engine.Board;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Hosting;
using Cutover.Engine.Maintenance;
using Cutover.Engine.Status;
using Cutover.Tests.Unit.Engine.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Engine.Maintenance;

/// <summary>Maintenance on and off over the real engine: kept in SQLite, set on the proxy, audited, published, shown.</summary>
public sealed class AppMaintenanceTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    private AppMaintenance Maintenance => _engine.Get<AppMaintenance>();

    async Task IAsyncLifetime.InitializeAsync() => _engine = await EngineHarness.StartAsync();

    async Task IAsyncLifetime.DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task TurnOn_SetsTheNoticeOnTheProxy_Audits_AndShowsOnTheAppsStatus()
    {
        using var events = _engine.Get<EngineEventStream>().Subscribe();

        var outcome = await Maintenance.TurnOnAsync("shop", "  Back at 14:00  ", TimeSpan.FromMinutes(5), "ops", "10.0.0.7", CancellationToken.None);

        Assert.True(outcome.Changed);
        Assert.Equal(new MaintenanceState("Back at 14:00", 300, _engine.Time.GetUtcNow(), "ops") with { Since = outcome.Maintenance!.Since }, outcome.Maintenance);
        Assert.Equal(new Cutover.Engine.Traffic.MaintenanceNotice("Back at 14:00", TimeSpan.FromSeconds(300)), _engine.Traffic.MaintenanceOf("shop"));
        Assert.Null(_engine.Traffic.MaintenanceOf("blog"));
        var entry = Assert.Single(await AuditAsync(AppMaintenance.OnAction));
        Assert.Equal(("ops", "ok", "shop", "10.0.0.7"), (entry.Actor, entry.Outcome, entry.App, entry.Address));
        Assert.Contains("message \"Back at 14:00\", Retry-After 300s", entry.Detail);
        Assert.Equal(outcome.Maintenance, (await _engine.Get<AppStatusReader>().GetAsync("shop", CancellationToken.None))!.Maintenance);
        Assert.Null((await _engine.Get<AppStatusReader>().GetAsync("blog", CancellationToken.None))!.Maintenance);
        Assert.Contains(await ReadAllAsync(events), e => e is MaintenanceChanged { App: "shop", Maintenance.Message: "Back at 14:00" });
    }

    [Fact]
    public async Task TurnOn_Twice_ChangesTheNotice_AndKeepsWhenItBegan()
    {
        var first = await Maintenance.TurnOnAsync("shop", "first", null, "ops", null, CancellationToken.None);
        _engine.Time.Advance(TimeSpan.FromMinutes(3));

        var second = await Maintenance.TurnOnAsync("shop", "second", TimeSpan.FromSeconds(90), "alice", null, CancellationToken.None);

        Assert.Equal(new MaintenanceState("second", 90, first.Maintenance!.Since, "alice"), second.Maintenance);
        Assert.Contains("already in maintenance", second.Detail);
        Assert.Equal(new Cutover.Engine.Traffic.MaintenanceNotice("second", TimeSpan.FromSeconds(90)), _engine.Traffic.MaintenanceOf("shop"));
        Assert.Equal(2, (await AuditAsync(AppMaintenance.OnAction)).Count);
    }

    [Fact]
    public async Task TurnOff_LiftsIt_Audits_AndForgetsIt()
    {
        await Maintenance.TurnOnAsync("shop", null, null, "ops", null, CancellationToken.None);
        using var events = _engine.Get<EngineEventStream>().Subscribe();

        var outcome = await Maintenance.TurnOffAsync("shop", "alice", "10.0.0.8", CancellationToken.None);

        Assert.Equal((true, (MaintenanceState?)null), (outcome.Changed, outcome.Maintenance));
        Assert.Null(_engine.Traffic.MaintenanceOf("shop"));
        Assert.Contains("maintenance shop off", _engine.Traffic.Calls);
        Assert.Null(Maintenance.Get("shop"));
        Assert.Empty(await _engine.Get<Cutover.Engine.Persistence.MaintenanceStore>().GetAllAsync(CancellationToken.None));
        var entry = Assert.Single(await AuditAsync(AppMaintenance.OffAction));
        Assert.Equal(("alice", "shop"), (entry.Actor, entry.App));
        Assert.Contains("turned on by ops", entry.Detail);
        Assert.Contains(await ReadAllAsync(events), e => e is MaintenanceChanged { App: "shop", Maintenance: null });
    }

    [Fact]
    public async Task TurnOff_WhenNotOn_ChangesNothing_AndSaysSo()
    {
        var outcome = await Maintenance.TurnOffAsync("shop", "ops", null, CancellationToken.None);

        Assert.False(outcome.Changed);
        Assert.Equal("shop is not in maintenance; nothing changed.", outcome.Detail);
        Assert.DoesNotContain(_engine.Traffic.Calls, c => c.StartsWith("maintenance", StringComparison.Ordinal));
        Assert.Empty(await AuditAsync(AppMaintenance.OffAction));
    }

    [Fact]
    public async Task UnknownApp_IsRefused_BothWays()
    {
        var on = await Assert.ThrowsAsync<MaintenanceRequestException>(() => Maintenance.TurnOnAsync("nope", null, null, "ops", null, CancellationToken.None));
        var off = await Assert.ThrowsAsync<MaintenanceRequestException>(() => Maintenance.TurnOffAsync("nope", "ops", null, CancellationToken.None));
        Assert.Equal((RefusalKind.UnknownApp, RefusalKind.UnknownApp), (on.Refusal.Kind, off.Refusal.Kind));
        Assert.Null(_engine.Traffic.MaintenanceOf("nope"));
    }

    [Theory]
    [InlineData(501, 60, "at most 500 characters")]
    [InlineData(10, 0, "from 1 s to 24 h")]
    [InlineData(10, 86_401, "from 1 s to 24 h")]
    public async Task TurnOn_OutOfBounds_IsRefused_AndChangesNothing(int messageLength, int retryAfterSeconds, string why)
    {
        var refusal = await Assert.ThrowsAsync<MaintenanceRequestException>(() =>
            Maintenance.TurnOnAsync("shop", new string('x', messageLength), TimeSpan.FromSeconds(retryAfterSeconds), "ops", null, CancellationToken.None));

        Assert.Contains(why, refusal.Message);
        Assert.Null(_engine.Traffic.MaintenanceOf("shop"));
        Assert.Null(Maintenance.Get("shop"));
    }

    [Fact]
    public async Task TurnOn_AMessageWithAControlCharacter_IsRefused()
    {
        var refusal = await Assert.ThrowsAsync<MaintenanceRequestException>(() =>
            Maintenance.TurnOnAsync("shop", "back\u0007 soon", null, "ops", null, CancellationToken.None));

        Assert.Contains("U+0007", refusal.Message);
    }

    [Fact]
    public async Task ARestart_RestoresTheStoredNotice_BeforeTheAppIsServed()
    {
        await Maintenance.TurnOnAsync("shop", "upgrading the database", TimeSpan.FromMinutes(10), "ops", null, CancellationToken.None);

        // A new process: a proxy that knows nothing, and an engine reading only what SQLite kept.
        var proxy = new FakeTrafficSwitch();
        var restarted = ActivatorUtilities.CreateInstance<AppMaintenance>(_engine.Services, proxy);
        var recovery = ActivatorUtilities.CreateInstance<Recovery>(_engine.Services, proxy, restarted);
        await recovery.RestoreRoutesAsync(CancellationToken.None);

        Assert.Equal(new Cutover.Engine.Traffic.MaintenanceNotice("upgrading the database", TimeSpan.FromMinutes(10)), proxy.MaintenanceOf("shop"));
        Assert.Equal("upgrading the database", restarted.Get("shop")!.Message);
        var calls = proxy.Calls.ToList();
        Assert.True(calls.IndexOf("maintenance shop on") < calls.FindIndex(c => c.StartsWith("serve shop", StringComparison.Ordinal)), string.Join(", ", calls));
        Assert.Null(proxy.MaintenanceOf("blog"));
    }

    [Fact]
    public async Task TheBoard_ShowsMaintenanceAsItChanges()
    {
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var subscription = await _engine.Get<AppBoard>().SubscribeAsync(done.Token);
        Assert.All(subscription.Snapshot.Apps, a => Assert.Null(a.Status.Maintenance));

        await Maintenance.TurnOnAsync("shop", "soon", null, "ops", null, CancellationToken.None);
        await foreach (var change in subscription.Changes.WithCancellation(done.Token))
        {
            if (change.Name == "shop" && change.App?.Status.Maintenance is { Message: "soon" })
            {
                break;
            }
        }

        await Maintenance.TurnOffAsync("shop", "ops", null, CancellationToken.None);
        await foreach (var change in subscription.Changes.WithCancellation(done.Token))
        {
            if (change.Name == "shop" && change.App?.Status.Maintenance is null)
            {
                break;
            }
        }

        await done.CancelAsync();
    }

    [Theory]
    [InlineData("300", 300)]
    [InlineData("5m", 300)]
    [InlineData(" 90s ", 90)]
    [InlineData("1.5s", 2)]
    [InlineData("24h", 86_400)]
    public void RetryAfter_ReadsDurationsAndSeconds_RoundingUp(string text, int seconds)
    {
        Assert.True(MaintenanceRules.TryParseRetryAfter(text, out var retryAfter));
        Assert.Equal(seconds, MaintenanceRules.Seconds(retryAfter));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("500ms")]
    [InlineData("25h")]
    [InlineData("86401")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("99999999999999999999")]
    public void RetryAfter_OutOfBoundsOrNotADuration_IsRefused(string text) =>
        Assert.False(MaintenanceRules.TryParseRetryAfter(text, out _));

    private async Task<List<AuditEntryView>> AuditAsync(string action)
    {
        var entries = new List<AuditEntryView>();
        await foreach (var entry in _engine.Get<AuditReader>().ReadAsync(new AuditFilter(Action: action), CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static async Task<List<EngineEvent>> ReadAllAsync(EngineEventSubscription subscription)
    {
        var events = new List<EngineEvent>();
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            await foreach (var e in subscription.ReadAllAsync(quiet.Token))
            {
                events.Add(e);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return events;
    }
}
