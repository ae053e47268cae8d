using Cutover.Engine.Audit;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cutover.Tests.Unit.Engine.Audit;

public sealed class AuditChainTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private AuditLog Log => _engine.Get<AuditLog>();

    private Task<AuditVerification> VerifyAsync() => _engine.Get<AuditChainVerifier>().VerifyAsync(CancellationToken.None);

    [Fact]
    public async Task Verify_EmptyTrail_IsValid()
    {
        Assert.Equal(new AuditVerification(true, 0, null, null), await VerifyAsync());
    }

    [Fact]
    public async Task Append_ChainsEachEntryToThePreviousOne_AndVerifies()
    {
        var first = await AppendAsync(1);
        var second = await AppendAsync(2);
        var third = await AppendAsync(3);

        Assert.Equal([1L, 2L, 3L], new[] { first.Id, second.Id, third.Id });
        Assert.All([first.Hash, second.Hash, third.Hash], h => Assert.Matches("^[0-9a-f]{64}$", h));
        var stored = await ReadAllAsync();
        Assert.Equal(AuditHash.Genesis, stored[0].PreviousHash);
        Assert.Equal(first.Hash, stored[1].PreviousHash);
        Assert.Equal(second.Hash, stored[2].PreviousHash);
        Assert.Equal(new AuditVerification(true, 3, null, null), await VerifyAsync());
    }

    [Fact]
    public async Task Verify_EditedDetail_NamesTheChangedEntry()
    {
        await AppendManyAsync(5);

        await SqlAsync("UPDATE audit_events SET Detail = 'nothing happened' WHERE Id = 3");

        var result = await VerifyAsync();
        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstBrokenId);
        Assert.Equal(2, result.Entries);
        Assert.Equal("entry 3 was changed: its hash does not match its content", result.Problem);
    }

    [Fact]
    public async Task Verify_EditedEntryWithRecomputedHash_BreaksTheNextLink()
    {
        await AppendManyAsync(5);
        var forged = (await ReadAllAsync())[2];
        forged.Detail = "nothing happened";
        var forgedHash = AuditHash.Compute(forged);

        await SqlAsync($"UPDATE audit_events SET Detail = 'nothing happened', Hash = '{forgedHash}' WHERE Id = 3");

        var result = await VerifyAsync();
        Assert.Equal(4, result.FirstBrokenId);
        Assert.Equal("entry 4 does not follow entry 3: entry 3 was rewritten or entry 4 relinked", result.Problem);
    }

    [Fact]
    public async Task Verify_RemovedMiddleEntry_IsReported()
    {
        await AppendManyAsync(5);

        await SqlAsync("DELETE FROM audit_events WHERE Id = 3");

        var result = await VerifyAsync();
        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenId);
        Assert.Equal("entry 4 does not follow entry 2: an entry was removed", result.Problem);
    }

    [Fact]
    public async Task Verify_RemovedFirstEntry_IsReported()
    {
        await AppendManyAsync(3);

        await SqlAsync("DELETE FROM audit_events WHERE Id = 1");

        var result = await VerifyAsync();
        Assert.Equal(2, result.FirstBrokenId);
        Assert.Equal("entry 2 does not start the trail: the entries before it were removed", result.Problem);
    }

    [Fact]
    public async Task Verify_RemovedNewestEntries_IsReportedThroughTheHead()
    {
        await AppendManyAsync(5);

        await SqlAsync("DELETE FROM audit_events WHERE Id >= 4");

        var result = await VerifyAsync();
        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenId);
        Assert.Equal("the trail ends at entry 3 but entry 5 was written: the newest entries were removed", result.Problem);
    }

    [Fact]
    public async Task Append_AfterTheNewestEntryWasRemoved_KeepsTheGapVisible()
    {
        await AppendManyAsync(3);
        await SqlAsync("DELETE FROM audit_events WHERE Id = 3");

        var next = await AppendAsync(4);

        Assert.Equal(4, next.Id);
        var result = await VerifyAsync();
        Assert.Equal(4, result.FirstBrokenId);
        Assert.Equal("entry 4 does not follow entry 2: an entry was removed", result.Problem);
    }

    [Fact]
    public async Task Append_AfterTheNewestEntriesAndTheHeadWereRemoved_RecordsTheGap_AndVerifyKeepsFailing()
    {
        await AppendManyAsync(5);
        await SqlAsync("DELETE FROM audit_events WHERE Id >= 4");
        await SqlAsync("DELETE FROM audit_head");
        Assert.Equal("the trail's head record is missing, so removal of the newest entries cannot be ruled out", (await VerifyAsync()).Problem);

        var next = await AppendAsync(6);

        var stored = await ReadAllAsync();
        Assert.Equal(new[] { 1L, 2L, 3L, 4L, 5L }, stored.Select(e => e.Id));
        Assert.Equal((AuditHeadMissing.Actor, AuditHeadMissing.Action, "failed"), (stored[3].Actor, stored[3].Action, stored[3].Outcome));
        Assert.Contains("the trail then ended at entry 3 and held 3 entries", stored[3].Detail, StringComparison.Ordinal);
        Assert.Equal(5, next.Id);
        var result = await VerifyAsync();
        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenId);
        Assert.Equal("entry 4 records that the trail's head record was missing, so removal of the entries before it cannot be ruled out", result.Problem);

        // Later appends chain on normally; the gap stays on record.
        await AppendAsync(7);
        Assert.Equal(4, (await VerifyAsync()).FirstBrokenId);
    }

    [Fact]
    public async Task Start_WithChainedEntriesButNoHead_DoesNotRebuildTheHead()
    {
        await AppendManyAsync(3);
        await SqlAsync("DELETE FROM audit_head");

        Assert.Equal(0, await _engine.Get<AuditChainBackfill>().ChainUnhashedAsync(CancellationToken.None));

        var result = await VerifyAsync();
        Assert.False(result.Valid);
        Assert.Equal("the trail's head record is missing, so removal of the newest entries cannot be ruled out", result.Problem);
    }

    [Fact]
    public async Task Verify_EveryEntryRemoved_IsReported()
    {
        await AppendManyAsync(3);

        await SqlAsync("DELETE FROM audit_events");

        Assert.Equal(new AuditVerification(false, 0, null, "the trail is empty but 3 entries were written: every entry was removed"), await VerifyAsync());
    }

    [Fact]
    public async Task Verify_RowInsertedWithoutHash_IsReported()
    {
        await AppendManyAsync(2);

        await SqlAsync("INSERT INTO audit_events (Id, At, Actor, Action, Outcome) VALUES (3, 0, 'mallory', 'deployment.deploy', 'ok')");

        var result = await VerifyAsync();
        Assert.Equal(3, result.FirstBrokenId);
        Assert.Equal("entry 3 has no hash: it was written outside Cutover", result.Problem);
    }

    [Fact]
    public async Task Append_FiftyAtOnce_GivesOneLinearChain()
    {
        await Task.WhenAll(Enumerable.Range(1, 50).Select(i => Task.Run(() => AppendAsync(i))));

        var stored = await ReadAllAsync();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), stored.Select(e => e.Id));
        Assert.Equal(50, stored.Select(e => e.PreviousHash).Distinct().Count());
        Assert.Equal(new AuditVerification(true, 50, null, null), await VerifyAsync());
    }

    [Fact]
    public async Task Verify_WalksPastOnePage()
    {
        for (var i = 0; i < 1205; i++)
        {
            await AppendAsync(i);
        }

        Assert.Equal(new AuditVerification(true, 1205, null, null), await VerifyAsync());
    }

    [Fact]
    public async Task Append_PublishesTheEntryAfterCommitting()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var events = _engine.Get<EngineEventStream>().SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = events.MoveNextAsync();

        var appended = await AppendAsync(1);

        Assert.True(await next);
        var published = Assert.IsType<AuditAppended>(events.Current);
        Assert.Equal(appended, published.Entry);
        Assert.Equal("shop", published.Entry.App);
    }

    [Fact]
    public async Task Append_HashesTheRedactedDetail()
    {
        var engine = await EngineHarness.StartAsync("""
            apps:
              shop:
                image: demo:v1
                listen: 127.0.0.1:28080
                slots: { blue: 28081, green: 28082 }
                container:
                  env: { DB_PASSWORD: hunter2-secret }
            """);
        await using var _ = engine;

        var entry = await engine.Get<AuditLog>().AppendAsync("engine", "deployment.failed", "failed", "shop", "login failed with hunter2-secret", CancellationToken.None);

        Assert.Equal("login failed with ***", entry.Detail);
        Assert.True((await engine.Get<AuditChainVerifier>().VerifyAsync(CancellationToken.None)).Valid);
    }

    [Fact]
    public async Task Start_ChainsRowsWrittenBeforeTheChain_SoAnUpgradedDatabaseVerifies()
    {
        var folder = Directory.CreateTempSubdirectory("cutover-legacy-").FullName;
        var options = new DbContextOptionsBuilder<CutoverDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "cutover.db")}").Options;
        await using (var legacy = new CutoverDbContext(options))
        {
            await legacy.GetService<IMigrator>().MigrateAsync("20261125063251_DeploymentIdempotencyKey");
            for (var i = 1; i <= 4; i++)
            {
                await legacy.Database.ExecuteSqlRawAsync(
                    "INSERT INTO audit_events (At, Actor, Action, App, Detail, Outcome) VALUES ({0}, 'api:local', 'deployment.deploy', 'shop', {1}, 'ok')",
                    new DateTime(2026, 1, i, 0, 0, 0, DateTimeKind.Utc).Ticks,
                    $"legacy {i}");
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var engine = await EngineHarness.StartAsync(folder: folder);
        await using var _ = engine;
        var verifier = engine.Get<AuditChainVerifier>();

        Assert.Equal(new AuditVerification(true, 4, null, null), await verifier.VerifyAsync(CancellationToken.None));
        var next = await engine.Get<AuditLog>().AppendAsync("engine", "deployment.completed", "ok", "shop", "after the upgrade", CancellationToken.None);
        Assert.Equal(5, next.Id);
        Assert.Equal(new AuditVerification(true, 5, null, null), await verifier.VerifyAsync(CancellationToken.None));
        Assert.Equal(0, await engine.Get<AuditChainBackfill>().ChainUnhashedAsync(CancellationToken.None));
    }

    private Task<AuditEntryView> AppendAsync(int n) =>
        Log.AppendAsync("api:local", "deployment.deploy", "ok", "shop", $"deploy #{n}", CancellationToken.None, deploymentId: n, address: "127.0.0.1");

    private async Task AppendManyAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await AppendAsync(i);
        }
    }

    private async Task<List<Cutover.Engine.Persistence.Entities.AuditEvent>> ReadAllAsync()
    {
        await using var db = await _engine.Get<IDbContextFactory<CutoverDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    private async Task SqlAsync(string sql)
    {
        await using var db = await _engine.Get<IDbContextFactory<CutoverDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
