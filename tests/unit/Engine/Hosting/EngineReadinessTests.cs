using Cutover.Engine;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Engine.Hosting;

public sealed class EngineReadinessTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Check_OnceReconciled_IsReady_WithEachCheckSayingWhatItFound()
    {
        var report = await _engine.Get<EngineReadiness>().CheckAsync(CancellationToken.None);

        Assert.True(report.Ready);
        Assert.Equal(["config", "sqlite", "docker", "reconciled", "live_restore"], report.Checks.Keys);
        Assert.Contains("2 applications in force", report.Checks["config"].Detail);
        Assert.Contains("is writable", report.Checks["sqlite"].Detail);
    }

    [Fact]
    public async Task Check_BeforeReconciliation_IsNotReady_AndSaysWhatTheEngineWaitsFor()
    {
        var readiness = Fresh();
        readiness.Report("waiting for Docker at unix:///var/run/docker.sock; retrying every 2 s");

        var report = await readiness.CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.False(readiness.IsReconciled);
        Assert.Equal(new ReadinessCheck(false, "waiting for Docker at unix:///var/run/docker.sock; retrying every 2 s"), report.Checks["reconciled"]);
        Assert.True(report.Checks["config"].Ok && report.Checks["sqlite"].Ok && report.Checks["docker"].Ok);
    }

    [Fact]
    public async Task DockerAnswer_IsReusedForTwoSeconds_SoThatProbesCannotHammerDocker()
    {
        var readiness = Fresh();
        _engine.Runtime.Reachable = false;
        Assert.False((await readiness.CheckAsync(CancellationToken.None)).Checks["docker"].Ok);

        _engine.Runtime.Reachable = true;
        var soon = await readiness.CheckAsync(CancellationToken.None);
        _time.Advance(EngineReadiness.ReuseFor);
        var later = await readiness.CheckAsync(CancellationToken.None);

        Assert.False(soon.Checks["docker"].Ok);
        Assert.True(later.Checks["docker"].Ok);
    }

    [Fact]
    public async Task Sqlite_WhileAnotherWriterHoldsTheLock_FailsWithinItsBound_InsteadOfHanging()
    {
        var readiness = Fresh();
        await using var db = await _engine.Get<IDbContextFactory<CutoverDbContext>>().CreateDbContextAsync();
        await using var holder = new SqliteConnection(db.Database.GetConnectionString());
        await holder.OpenAsync();
        await using var writing = await holder.BeginTransactionAsync();

        var started = DateTime.UtcNow;
        var report = await readiness.CheckAsync(CancellationToken.None);

        Assert.False(report.Checks["sqlite"].Ok);
        Assert.Contains("locked", report.Checks["sqlite"].Detail);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"took {DateTime.UtcNow - started}");
    }

    /// <summary>A readiness that has not seen reconciliation, on the harness's services, with a clock only the test moves.</summary>
    private EngineReadiness Fresh() => new(
        _engine.Get<AppsConfigMonitor>(), _engine.Get<IDbContextFactory<CutoverDbContext>>(), _engine.Get<IContainerRuntime>(),
        _engine.Get<IOptions<EngineOptions>>(), _time);
}
