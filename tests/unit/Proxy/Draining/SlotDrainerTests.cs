using System.Collections.Concurrent;
using Cutover.Proxy.Draining;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Proxy.Draining;

public class SlotDrainerTests
{
    private static readonly DrainTimeouts Timeouts = new(Requests: TimeSpan.FromSeconds(30), Sockets: TimeSpan.FromSeconds(10));

    private readonly FakeTimeProvider _time = new();
    private readonly SlotTarget _target = new(Slot.Blue, 18080, new ChangeSignal());
    private readonly RecordingProgress _progress = new();

    [Fact]
    public async Task Drain_IdleSlot_EndsCleanlyAtOnce()
    {
        var result = await Drain();

        Assert.True(result.Clean);
        Assert.Equal(TimeSpan.Zero, result.Elapsed);
    }

    [Fact]
    public async Task Drain_RequestThatEndsInTime_IsClean()
    {
        var request = FakeExchange.Request(_target);
        var drain = Drain();

        await AdvanceUntil(() => _time.GetUtcNow() >= Start + TimeSpan.FromSeconds(5));
        request.End();
        var result = await drain;

        Assert.True(result.Clean);
        Assert.False(request.Aborted);
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5.2));
    }

    [Fact]
    public async Task Drain_RequestPastTimeout_IsAbortedAndCounted()
    {
        var request = FakeExchange.Request(_target);
        var drain = Drain();

        await AdvanceUntil(() => request.Aborted);
        Assert.InRange(_time.GetUtcNow() - Start, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30.2));
        request.End();
        var result = await drain;

        Assert.False(result.Clean);
        Assert.Equal(1, result.RequestsAborted);
        Assert.Equal(0, result.Stragglers);
    }

    [Fact]
    public async Task Drain_WebSocketPastDeadline_IsAbortedWhileRequestsKeepTheirOwnTimeout()
    {
        var request = FakeExchange.Request(_target);
        var socket = FakeExchange.Socket(_target);
        var drain = Drain();

        await AdvanceUntil(() => socket.Aborted);
        Assert.InRange(_time.GetUtcNow() - Start, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10.2));
        Assert.False(request.Aborted);
        socket.End();

        await AdvanceUntil(() => _time.GetUtcNow() >= Start + TimeSpan.FromSeconds(20));
        Assert.False(drain.IsCompleted);
        request.End();
        var result = await drain;

        Assert.Equal(0, result.RequestsAborted);
        Assert.Equal(1, result.SocketsAborted);
    }

    [Fact]
    public async Task Drain_ExchangeThatOutlivesItsAbort_IsReportedAsStraggler()
    {
        FakeExchange.Request(_target);
        var drain = Drain();

        await AdvanceUntil(() => drain.IsCompleted);
        var result = await drain;

        Assert.Equal(1, result.RequestsAborted);
        Assert.Equal(1, result.Stragglers);
        Assert.InRange(result.Elapsed, Timeouts.Longest + SlotDrainer.AbortGrace, Timeouts.Longest + SlotDrainer.AbortGrace + TimeSpan.FromSeconds(0.2));
    }

    [Fact]
    public async Task Drain_ReportsWhatIsLeftAndTheTimeBeforeEachDeadline()
    {
        var request = FakeExchange.Request(_target);
        var socket = FakeExchange.Socket(_target);
        var drain = Drain();

        await AdvanceUntil(() => _progress.Reports.Any(p => p.Elapsed >= TimeSpan.FromSeconds(3)));
        var report = _progress.Reports.First(p => p.Elapsed >= TimeSpan.FromSeconds(3));
        Assert.Equal(1, report.RequestsLeft);
        Assert.Equal(1, report.SocketsLeft);
        Assert.Equal(Timeouts.Requests - report.Elapsed, report.RequestTimeLeft);
        Assert.Equal(Timeouts.Sockets - report.Elapsed, report.SocketTimeLeft);

        socket.End();
        request.End();
        await drain;
        var last = _progress.Reports.Last();
        Assert.Equal(0, last.RequestsLeft + last.SocketsLeft);
    }

    [Fact]
    public async Task Drain_Cancelled_StopsWaiting()
    {
        FakeExchange.Request(_target);
        using var cancellation = new CancellationTokenSource();
        var drain = new SlotDrainer(_time).DrainAsync("shop", _target, Timeouts, _progress, cancellation.Token);

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drain);
    }

    private DateTimeOffset Start { get; set; }

    private Task<DrainResult> Drain()
    {
        Start = _time.GetUtcNow();
        return new SlotDrainer(_time).DrainAsync("shop", _target, Timeouts, _progress, CancellationToken.None);
    }

    /// <summary>Moves fake time on in small steps, letting the drain loop run between them, until the condition holds.</summary>
    private async Task AdvanceUntil(Func<bool> condition)
    {
        var limit = Start + Timeouts.Longest + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(_time.GetUtcNow() < limit, "the condition never held within the drain's deadlines");
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }
    }

    private sealed class RecordingProgress : IProgress<DrainProgress>
    {
        private readonly ConcurrentQueue<DrainProgress> _reports = new();

        public IReadOnlyCollection<DrainProgress> Reports => _reports;

        public void Report(DrainProgress value) => _reports.Enqueue(value);
    }
}
