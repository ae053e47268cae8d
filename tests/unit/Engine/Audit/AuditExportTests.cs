using System.Text;
using System.Text.Json;
using Cutover.Engine.Audit;
using Cutover.Engine.Persistence;

namespace Cutover.Tests.Unit.Engine.Audit;

public sealed class AuditExportTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Csv_HasAHeader_AndQuotesPerRfc4180()
    {
        var csv = await CsvAsync(Entry(1, "said \"hi\", then left\r\nnext line"), Entry(2, "plain"));

        Assert.Equal(
            "id,at,actor,address,action,app,deploymentId,detail,outcome,hash\r\n"
            + "1,2026-11-25T12:00:00.0000000Z,api:local,127.0.0.1,deployment.deploy,shop,7,\"said \"\"hi\"\", then left\r\nnext line\",ok,abc\r\n"
            + "2,2026-11-25T12:00:00.0000000Z,api:local,127.0.0.1,deployment.deploy,shop,7,plain,ok,abc\r\n",
            csv);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1+2", "'+1+2")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("a=1", "a=1")]
    public async Task Csv_CellThatAFormulaWouldStart_GetsAnApostrophe(string detail, string cell)
    {
        var csv = await CsvAsync(Entry(1, detail));

        var row = csv.Split("\r\n")[1];
        Assert.Equal($"1,2026-11-25T12:00:00.0000000Z,api:local,127.0.0.1,deployment.deploy,shop,7,{cell},ok,abc", row);
    }

    [Fact]
    public async Task Csv_NullsAreEmptyCells()
    {
        var csv = await CsvAsync(Entry(1, null) with { Address = null, App = null, DeploymentId = null });

        Assert.Equal("1,2026-11-25T12:00:00.0000000Z,api:local,,deployment.deploy,,,,ok,abc", csv.Split("\r\n")[1]);
    }

    [Fact]
    public async Task Json_IsAnArrayOfEntriesWithCamelCaseNames()
    {
        using var stream = new MemoryStream();
        await AuditJsonWriter.WriteAsync(Entries(Entry(1, "one"), Entry(2, null) with { DeploymentId = null }), stream, CancellationToken.None);

        using var json = JsonDocument.Parse(stream.ToArray());
        var entries = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, entries.Length);
        Assert.Equal(
            ["id", "at", "actor", "address", "action", "app", "deploymentId", "detail", "outcome", "hash"],
            entries[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, entries[0].GetProperty("id").GetInt64());
        Assert.Equal(At, entries[0].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(7, entries[0].GetProperty("deploymentId").GetInt64());
        Assert.Equal(JsonValueKind.Null, entries[1].GetProperty("deploymentId").ValueKind);
        Assert.Equal(JsonValueKind.Null, entries[1].GetProperty("detail").ValueKind);
    }

    [Fact]
    public async Task Json_EmptyTrail_IsAnEmptyArray()
    {
        using var stream = new MemoryStream();
        await AuditJsonWriter.WriteAsync(Entries(), stream, CancellationToken.None);

        Assert.Equal("[]", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public async Task Json_LargeExport_StreamsEveryStoredEntry()
    {
        var log = _engine.Get<AuditLog>();
        for (var i = 0; i < 1100; i++)
        {
            await log.AppendAsync("engine", "health.checked", "ok", "shop", $"check {i}", CancellationToken.None);
        }

        using var stream = new MemoryStream();
        await AuditJsonWriter.WriteAsync(_engine.Get<AuditReader>().ReadAsync(AuditFilter.All, CancellationToken.None), stream, CancellationToken.None);

        using var json = JsonDocument.Parse(stream.ToArray());
        Assert.Equal(Enumerable.Range(1, 1100).Select(i => (long)i), json.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Read_FiltersByAppActorActionAndTime_OldestFirst()
    {
        var log = _engine.Get<AuditLog>();
        var early = await log.AppendAsync("api:local", "deployment.deploy", "ok", "shop", "1", CancellationToken.None);
        _engine.Time.Advance(TimeSpan.FromMinutes(10));
        var middle = await log.AppendAsync("ui:alice", "deployment.rollback", "ok", "shop", "2", CancellationToken.None);
        await log.AppendAsync("api:local", "deployment.deploy", "ok", "blog", "3", CancellationToken.None);
        _engine.Time.Advance(TimeSpan.FromMinutes(10));
        var late = await log.AppendAsync("api:local", "deployment.deploy", "ok", "shop", "4", CancellationToken.None);

        Assert.Equal(["1", "2", "4"], await DetailsAsync(new AuditFilter(App: "shop")));
        Assert.Equal(["2"], await DetailsAsync(new AuditFilter(Actor: "ui:alice")));
        Assert.Equal(["1", "3", "4"], await DetailsAsync(new AuditFilter(Action: "deployment.deploy")));
        Assert.Equal(["2", "3"], await DetailsAsync(new AuditFilter(From: middle.At, To: late.At)));
        Assert.Equal(["1"], await DetailsAsync(new AuditFilter(To: early.At.AddTicks(1), App: "shop")));
        Assert.Equal(["4"], await DetailsAsync(new AuditFilter(From: late.At.ToOffset(TimeSpan.FromHours(2)), Actor: "api:local", Action: "deployment.deploy", App: "shop")));
        Assert.Empty(await DetailsAsync(new AuditFilter(App: "nope")));
    }

    private async Task<string[]> DetailsAsync(AuditFilter filter)
    {
        var details = new List<string>();
        await foreach (var entry in _engine.Get<AuditReader>().ReadAsync(filter, CancellationToken.None))
        {
            details.Add(entry.Detail!);
        }

        return [.. details];
    }

    private static AuditEntryView Entry(long id, string? detail) =>
        new(id, At, "api:local", "127.0.0.1", "deployment.deploy", "shop", 7, detail, "ok", "abc");

    private static async Task<string> CsvAsync(params AuditEntryView[] entries)
    {
        using var stream = new MemoryStream();
        await AuditCsvWriter.WriteAsync(Entries(entries), stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static IAsyncEnumerable<AuditEntryView> Entries(params AuditEntryView[] entries) => entries.ToAsyncEnumerable();
}
