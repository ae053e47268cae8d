using System.Diagnostics;
using System.Net;
using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Proxy;
using Cutover.Proxy.Routing;
using Cutover.Web.Composition;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;
using ProxySlot = Cutover.Proxy.Routing.Slot;

namespace Cutover.Tests.E2E.Proxy;

/// <summary>
/// Analysis as the host composes it (the real proxy, its adapter to the engine and <see cref="ISlotAnalysis"/>, from
/// <see cref="CutoverHostExtensions.AddCutover"/>; the host is built, not started) judging real traffic to real backends.
/// </summary>
public sealed class SlotAnalysisTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string App = "analysis-e2e";

    /// <summary>Long enough for the few hundred loopback requests below to fit in one interval on a busy machine.</summary>
    private static readonly AnalysisSpec Spec = AnalysisSpec.Default with { Interval = TimeSpan.FromSeconds(10), MaxP95 = TimeSpan.FromMilliseconds(800) };

    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-analysis-").FullName;
    private WebApplication _host = null!;
    private TestBackend _blue = null!;
    private TestBackend _green = null!;
    private HttpClient _client = null!;

    private TrafficRouter Router => _host.Services.GetRequiredService<TrafficRouter>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = _folder });
        builder.AddCutover();
        _host = builder.Build();
        _blue = await TestBackend.StartAsync("blue");
        _green = await TestBackend.StartAsync("green");
        var snapshot = await Router.UpsertAsync(new AppProxyConfig(App, new IPEndPoint(IPAddress.Loopback, 0), _blue.Port, _green.Port));
        Assert.Null(snapshot.ListenerError);
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{snapshot.Listening}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _blue.DisposeAsync();
        await _green.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AnInterval_OfASlotAnswering500OnAQuarter_FailsWithTheMeasuredRate_WhileAnAll200Slot_Passes()
    {
        var analysis = _host.Services.GetRequiredService<ISlotAnalysis>();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var blue = analysis.WatchAsync(App, Cutover.Engine.Model.Slot.Blue, Spec, 41, bound.Token).GetAsyncEnumerator();
        await using var green = analysis.WatchAsync(App, Cutover.Engine.Model.Slot.Green, Spec, 42, bound.Token).GetAsyncEnumerator();
        var blueResult = blue.MoveNextAsync().AsTask();
        var greenResult = green.MoveNextAsync().AsTask();
        var load = Stopwatch.StartNew();

        // Blue: 200 requests, every fourth answered 500 by the backend itself.
        Router.Switch(App, ProxySlot.Blue);
        await SendAsync(200, i => i % 4 == 3 ? "/status/500" : "/", expectSlot: "blue");
        // Nobody routed: the proxy's own 503s belong to no slot and must count for neither.
        Router.Switch(App, null);
        for (var i = 0; i < 10; i++)
        {
            using var unrouted = await _client.GetAsync("/", bound.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unrouted.StatusCode);
        }

        // Green: 100 requests, all 200.
        Router.Switch(App, ProxySlot.Green);
        await SendAsync(100, _ => "/", expectSlot: "green");
        var loadTime = load.Elapsed;
        Assert.True(loadTime < Spec.Interval, $"the load took {loadTime.TotalSeconds:0.0} s, longer than one interval: the counts below would be split");

        Assert.True(await blueResult.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await greenResult.WaitAsync(TimeSpan.FromSeconds(30)));
        var failed = blue.Current;
        var passed = green.Current;
        output.WriteLine($"load {loadTime.TotalSeconds:0.00} s; blue: {failed.Outcome}: {failed.Summary}; green: {passed.Outcome}: {passed.Summary}");

        Assert.Equal(AnalysisOutcome.Failed, failed.Outcome);
        Assert.Equal((200, 50, 0.25), (failed.Requests, failed.Errors, failed.ErrorRate));
        Assert.StartsWith("error rate 25.0% (50 of 200) > 5%; p95 ", failed.Summary);
        Assert.EndsWith("≤ 800 ms", failed.Summary);

        Assert.Equal(AnalysisOutcome.Passed, passed.Outcome);
        Assert.Equal((100, 0), (passed.Requests, passed.Errors));
        Assert.InRange(passed.P95Ms!.Value, 0.001, 800);
        Assert.StartsWith("error rate 0.0% (0 of 100) ≤ 5%; p95 ", passed.Summary);

        // The next interval of each has seen nothing: inconclusive, neither a pass nor a failure.
        Assert.True(await blue.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal((AnalysisOutcome.Inconclusive, 0L), (blue.Current.Outcome, blue.Current.Requests));
        await bound.CancelAsync();
    }

    private async Task SendAsync(int count, Func<int, string> path, string expectSlot)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await _client.GetAsync(path(i));
            Assert.Contains(expectSlot, await response.Content.ReadAsStringAsync());
        }
    }
}
