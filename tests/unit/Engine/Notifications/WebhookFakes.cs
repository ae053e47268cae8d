using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Engine.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Engine.Notifications;

/// <summary>A receiver answering from a script, recording every request it got (with its body read).</summary>
internal sealed class ScriptedReceiver(Func<int, CancellationToken, Task<HttpStatusCode>> answer) : HttpMessageHandler
{
    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Adds to the nth answer what a status code alone cannot say, e.g. a Retry-After header.</summary>
    public Action<int, HttpResponseMessage>? Shape { get; init; }

    public static ScriptedReceiver Answering(params HttpStatusCode[] codes) =>
        new((n, _) => Task.FromResult(codes[Math.Min(n, codes.Length - 1)]));

    public static ScriptedReceiver Hanging() => new(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        return HttpStatusCode.OK;
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var n = Received.Count;
        Received.Enqueue(new ReceivedRequest(request.RequestUri!, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
            request.Content?.Headers.ContentType?.ToString(), body));
        var response = new HttpResponseMessage(await answer(n, cancellationToken));
        Shape?.Invoke(n, response);
        return response;
    }
}

internal sealed record ReceivedRequest(Uri Url, IReadOnlyDictionary<string, string> Headers, string? ContentType, byte[] Body);

/// <summary>Hands out clients over one handler.</summary>
internal sealed class FakeHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}

/// <summary>A meter factory of its own and what its <c>cutover.webhook.deliveries</c> counted, by outcome.</summary>
internal sealed class DeliveryCounts : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public DeliveryCounts()
    {
        Factory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new NotificationMetrics(Factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: other tests create meters of the same name at the same time.
            if (instrument.Meter.Scope == Factory && instrument.Name == NotificationMetrics.DeliveriesName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    _counts.AddOrUpdate((string)tag.Value!, value, (_, n) => n + value);
                }
            }
        });
        _listener.Start();
    }

    public IMeterFactory Factory { get; }

    public NotificationMetrics Metrics { get; }

    public long this[string outcome] => _counts.GetValueOrDefault(outcome);

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}

internal static class NotificationSamples
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 18, 0, 0, TimeSpan.Zero);

    public static DeploymentView Deployment(DeploymentStatus status, string? error = null) => new(
        42, "shop", "registry.local/shop:v2", DeploymentKind.Deploy, Slot.Green, Slot.Blue, "registry.local/shop:v1", status,
        "api", "release 2", null, Now, status.IsTerminal() ? Now.AddSeconds(8.25) : null, error, []);

    public static Notification Completed() =>
        EngineEventNotifications.From(new Cutover.Engine.Events.DeploymentChanged(Now, Deployment(DeploymentStatus.Completed)))!;
}
