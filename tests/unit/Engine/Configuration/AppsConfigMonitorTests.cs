using Cutover.Engine;
using Cutover.Engine.Configuration;
using Cutover.Engine.Events;
using Cutover.Engine.Telemetry;
using Cutover.Tests.Unit.Engine.Fakes;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>What a reload keeps in force, and what it says about the last refused edit.</summary>
public sealed class AppsConfigMonitorTests : IDisposable
{
    private const string Valid = "apps:\n  shop: { image: shop:1, listen: 8080, slots: { blue: 18080, green: 18081 } }\n";

    private readonly ConfigFolder _folder = new();
    private readonly EngineEventStream _events = new();
    private readonly TestMeterFactory _meters = new();
    private readonly AppsConfigMonitor _monitor;

    public AppsConfigMonitorTests()
    {
        _folder.Write("apps.yaml", Valid);
        _monitor = new AppsConfigMonitor(
            Options.Create(new EngineOptions { AppsFile = _folder.YamlPath }),
            _events,
            new EngineMetrics(_meters),
            TimeProvider.System,
            NullLogger<AppsConfigMonitor>.Instance);
        _monitor.LoadInitial();
    }

    public void Dispose()
    {
        _monitor.Dispose();
        _meters.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void Reload_RefusedEdits_AreCountedInTheConfigRefusalsMetric_AndAnAcceptedOneIsNot()
    {
        using var refusals = new MetricCollector<long>(_meters, EngineMetrics.MeterName, "cutover.config.refusals");

        _folder.Write("apps.yaml", Valid.Replace("8080", "http", StringComparison.Ordinal));
        _monitor.Reload();
        _folder.Write("apps.yaml", Valid.Replace("shop:", "Shop!:", StringComparison.Ordinal));
        _monitor.Reload();
        _folder.Write("apps.yaml", Valid.Replace("shop:1", "shop:2", StringComparison.Ordinal));
        _monitor.Reload();

        Assert.Equal(2, refusals.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Reload_RevertToTheConfigInForce_ClearsTheLastRefusal()
    {
        _folder.Write("apps.yaml", Valid.Replace("8080", "http", StringComparison.Ordinal));
        Assert.NotEmpty(_monitor.Reload());
        Assert.NotNull(_monitor.LastRejection);
        using var subscription = _events.Subscribe();

        _folder.Write("apps.yaml", Valid);
        var problems = _monitor.Reload();

        Assert.Empty(problems);
        Assert.Null(_monitor.LastRejection);
        var published = Assert.Single(await Published(subscription));
        Assert.True(Assert.IsType<ConfigApplied>(published).Accepted);
    }

    [Fact]
    public async Task Reload_UnchangedFileWithoutARefusal_PublishesNothing()
    {
        using var subscription = _events.Subscribe();

        Assert.Empty(_monitor.Reload());

        Assert.Empty(await Published(subscription));
    }

    [Fact]
    public async Task Reload_AFifoInPlaceOfTheFile_IsRefusedWithoutBlockingAndKeepsTheConfigInForce()
    {
        var before = _monitor.Current;
        File.Delete(_folder.YamlPath);
        _folder.MakeFifo("apps.yaml");
        var reload = Task.Run(_monitor.Reload);
        try
        {
            var problem = Assert.Single(await reload.WaitAsync(TimeSpan.FromSeconds(5)));

            Assert.Equal($"{_folder.YamlPath}: (file): cannot read the file: it is a FIFO (named pipe), not a regular file", problem.ToString());
            Assert.Same(before, _monitor.Current);
        }
        finally
        {
            if (!reload.IsCompleted)
            {
                ConfigFolder.ReleaseFifo(_folder.YamlPath);
            }
        }
    }

    /// <summary>What was published so far (publishing is synchronous, so a short wait finds it all).</summary>
    private static async Task<List<EngineEvent>> Published(EngineEventSubscription subscription)
    {
        var events = new List<EngineEvent>();
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await foreach (var published in subscription.ReadAllAsync(quiet.Token))
            {
                events.Add(published);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return events;
    }
}
