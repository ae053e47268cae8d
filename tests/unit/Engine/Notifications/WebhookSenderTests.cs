using System.Net;
using Cutover.Engine.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Cutover.Tests.Unit.Engine.Notifications.NotificationSamples;

namespace Cutover.Tests.Unit.Engine.Notifications;

public sealed class WebhookSenderTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(Now);
    private readonly WebhookDeliveries _deliveries = new();
    private readonly DeliveryCounts _counts = new();

    public void Dispose() => _counts.Dispose();

    [Fact]
    public async Task Send_SignsTheExactBodyWithTheSecret_AndSaysWhatItIs()
    {
        var receiver = ScriptedReceiver.Answering(HttpStatusCode.NoContent);

        var status = await SendAsync(receiver, Target("https://hooks.example.com/cutover", "s3cret"));

        Assert.Equal(WebhookDeliveryStatus.Delivered, status);
        var request = Assert.Single(receiver.Received);
        Assert.Equal(WebhookSignature.Of(request.Body, "s3cret"), request.Headers["X-Cutover-Signature"]);
        Assert.Equal("deployment.completed", request.Headers["X-Cutover-Event"]);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(1, _counts["delivered"]);
    }

    [Fact]
    public async Task Send_WithoutSecret_IsUnsigned_AndUserInfoBecomesBasicCredentials()
    {
        var receiver = ScriptedReceiver.Answering(HttpStatusCode.OK);

        await SendAsync(receiver, Target("https://ops:p4ss@hooks.example.com/cutover", null));

        var request = Assert.Single(receiver.Received);
        Assert.False(request.Headers.ContainsKey("X-Cutover-Signature"));
        Assert.Equal("Basic " + Convert.ToBase64String("ops:p4ss"u8.ToArray()), request.Headers["Authorization"]);
        Assert.Equal("https://hooks.example.com/cutover", request.Url.ToString());
    }

    [Fact]
    public async Task Send_ServerErrors_AreRetriedAfter1Then2Seconds_WithTheSameSignedBytes()
    {
        var receiver = ScriptedReceiver.Answering(HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        var target = Target("https://hooks.example.com/cutover", "s3cret");
        var id = _deliveries.Add(0, target.ShownUrl, Completed()).Id;

        var sending = Sender(receiver).SendAsync(target, id, Completed(), CancellationToken.None);
        await AttemptRecordedAsync(1);
        var retrying = _deliveries.Snapshot().Single();
        Assert.Equal((WebhookDeliveryStatus.Retrying, 1, 500, "status 500", Now.AddSeconds(1)),
            (retrying.Status, retrying.Attempts, retrying.LastStatusCode, retrying.LastError, retrying.NextAttemptAt));

        _time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        Assert.Single(receiver.Received);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.HoldsAsync(() => receiver.Received.Count == 2, "the second attempt after 1 s");
        await AttemptRecordedAsync(2);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        await Task.Delay(50);
        Assert.Equal(2, receiver.Received.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(WebhookDeliveryStatus.Delivered, await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, _deliveries.Snapshot().Single().Attempts);
        Assert.Single(receiver.Received.Select(r => Convert.ToHexString(r.Body) + r.Headers["X-Cutover-Signature"]).Distinct());
        Assert.Equal((1, 0), (_counts["delivered"], _counts["failed"]));
    }

    [Fact]
    public async Task Send_AReceiverThatNeverAnswers_TimesOutEachAttemptAfter10Seconds_AndFailsAfterSixAttempts()
    {
        var receiver = ScriptedReceiver.Hanging();
        var target = Target("https://hooks.example.com/cutover", null);
        var id = _deliveries.Add(0, target.ShownUrl, Completed()).Id;

        var sending = Sender(receiver).SendAsync(target, id, Completed(), CancellationToken.None);
        for (var attempt = 1; attempt <= WebhookSender.MaxAttempts; attempt++)
        {
            await Eventually.HoldsAsync(() => receiver.Received.Count == attempt, $"attempt {attempt}");
            _time.Advance(TimeSpan.FromSeconds(10));
            if (attempt < WebhookSender.MaxAttempts)
            {
                await AttemptRecordedAsync(attempt);
                _time.Advance(WebhookSender.Backoff(attempt));
            }
        }

        Assert.Equal(WebhookDeliveryStatus.Failed, await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        var failed = _deliveries.Snapshot().Single();
        Assert.Equal((6, "no answer within 10 s"), (failed.Attempts, failed.LastError));
        Assert.Equal([1, 2, 4, 8, 16], Enumerable.Range(1, 5).Select(a => WebhookSender.Backoff(a).TotalSeconds));
        Assert.Equal(1, _counts["failed"]);
    }

    [Fact]
    public async Task Send_AClientError_IsTheReceiversRefusal_AndNotRetried()
    {
        var receiver = ScriptedReceiver.Answering(HttpStatusCode.NotFound);
        var target = Target("https://hooks.example.com/cutover", null);
        var id = _deliveries.Add(0, target.ShownUrl, Completed()).Id;

        var status = await Sender(receiver).SendAsync(target, id, Completed(), CancellationToken.None);

        Assert.Equal(WebhookDeliveryStatus.Failed, status);
        Assert.Single(receiver.Received);
        Assert.Equal((1, "status 404"), (_deliveries.Snapshot().Single().Attempts, _deliveries.Snapshot().Single().LastError));
    }

    [Fact]
    public async Task Send_429Or503WithRetryAfter_WaitsAsAsked_ButNoLongerThanTheLongestBackoff()
    {
        // 429 asks for 7 s (not the 1 s backoff); 503 names a date two minutes on, bounded to the 16 s backoff.
        var receiver = new ScriptedReceiver((n, _) => Task.FromResult(n switch { 0 => HttpStatusCode.TooManyRequests, 1 => HttpStatusCode.ServiceUnavailable, _ => HttpStatusCode.OK }))
        {
            Shape = (n, response) => response.Headers.RetryAfter = n switch
            {
                0 => new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7)),
                1 => new System.Net.Http.Headers.RetryConditionHeaderValue(Now.AddSeconds(7 + 120)),
                _ => null,
            },
        };
        var target = Target("https://hooks.example.com/cutover", null);
        var id = _deliveries.Add(0, target.ShownUrl, Completed()).Id;

        var sending = Sender(receiver).SendAsync(target, id, Completed(), CancellationToken.None);
        await AttemptRecordedAsync(1);
        Assert.Equal(Now.AddSeconds(7), _deliveries.Snapshot().Single().NextAttemptAt);
        _time.Advance(TimeSpan.FromMilliseconds(6999));
        await Task.Delay(50);
        Assert.Single(receiver.Received);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await AttemptRecordedAsync(2);
        Assert.Equal(Now.AddSeconds(7 + 16), _deliveries.Snapshot().Single().NextAttemptAt);
        _time.Advance(TimeSpan.FromMilliseconds(15999));
        await Task.Delay(50);
        Assert.Equal(2, receiver.Received.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(WebhookDeliveryStatus.Delivered, await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, receiver.Received.Count);
    }

    /// <summary>Waits until the attempt's failure is recorded, and a little more for the backoff's timer to be set.</summary>
    private async Task AttemptRecordedAsync(int attempt)
    {
        await Eventually.HoldsAsync(() => _deliveries.Snapshot().Single().Attempts == attempt, $"attempt {attempt} recorded");
        await Task.Delay(50);
    }

    private async Task<WebhookDeliveryStatus> SendAsync(ScriptedReceiver receiver, WebhookTarget target)
    {
        var id = _deliveries.Add(target.Index, target.ShownUrl, Completed()).Id;
        return await Sender(receiver).SendAsync(target, id, Completed(), CancellationToken.None);
    }

    private WebhookSender Sender(ScriptedReceiver receiver) =>
        new(new FakeHttpClientFactory(receiver), _deliveries, _counts.Metrics, Options.Create(new NotificationOptions()), _time, NullLogger<WebhookSender>.Instance);

    private static WebhookTarget Target(string url, string? secret) =>
        WebhookTarget.From(new WebhookOptions { Url = url, Secret = secret }, 0);
}
