using Cutover.Proxy.Routing;
using Cutover.Proxy.Telemetry;
using Cutover.Proxy.Traffic;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Proxy.Telemetry;

public class SlotTelemetryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly SlotTelemetry _blue;

    public SlotTelemetryTests() => _blue = TestTelemetry.For("shop", _time).Of(Slot.Blue);

    [Fact]
    public void Snapshot_CountsAnswersByClassAndCode_ProxyErrorsApart_AndAborts()
    {
        Answer(200);
        Answer(200);
        Answer(404);
        Answer(502);
        var started = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(3));
        _blue.RecordProxyError(502, started, _time.GetTimestamp());
        _blue.RecordProxyError(504, started, _time.GetTimestamp());
        _blue.RecordAborted(_time.GetTimestamp());
        _blue.RecordAnswer(101, started, _time.GetTimestamp(), timed: false);

        var snapshot = _blue.Snapshot(new TrafficCounts(2, 1));

        Assert.Equal(8, snapshot.Requests);
        Assert.Equal(new StatusClassCounts(1, 2, 0, 1, 3), snapshot.Classes);
        Assert.Equal(new Dictionary<int, long> { [101] = 1, [200] = 2, [404] = 1, [502] = 2, [504] = 1 }, snapshot.Codes);
        Assert.Equal(new ProxyErrorCounts(1, 0, 1, 0), snapshot.ProxyErrors);
        Assert.Equal(1, snapshot.Aborted);
        Assert.Equal(6, snapshot.LastMinute.Count);
        Assert.Equal(new TrafficCounts(2, 1), snapshot.InFlight);
    }

    [Fact]
    public void Bytes_AddUp()
    {
        _blue.AddBytesIn(100);
        _blue.AddBytesIn(23);
        _blue.AddBytesOut(4096);

        var snapshot = _blue.Snapshot(default);

        Assert.Equal((123, 4096), (snapshot.BytesIn, snapshot.BytesOut));
    }

    private void Answer(int status)
    {
        var started = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _blue.RecordAnswer(status, started, _time.GetTimestamp(), timed: true);
    }
}
