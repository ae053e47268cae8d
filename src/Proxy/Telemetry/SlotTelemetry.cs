using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;

namespace Cutover.Proxy.Telemetry;

/// <summary>One slot's traffic since its application was first served: answers by exact status, the proxy's own errors, bytes, latencies.</summary>
/// <remarks>
/// Every figure is a plain counter bumped with <see cref="Interlocked"/> on the request path: no lock, no
/// allocation. It belongs to the application and the slot, not to a <see cref="SlotTarget"/>, so a slot whose
/// port changes keeps its history.
/// </remarks>
public sealed class SlotTelemetry
{
    internal const int FirstCode = 100;
    internal const int LastCode = 599;

    // One counter per status 100..599 and a last one for anything outside; the classes are sums of these.
    private readonly long[] _codes = new long[LastCode - FirstCode + 2];
    private readonly TrafficWindows _windows;
    private readonly ProxyMetrics _metrics;
    private readonly string _app;
    private readonly double _secondsPerTick;
    private long _proxyBadGateway;
    private long _proxyServiceUnavailable;
    private long _proxyGatewayTimeout;
    private long _proxyOther;
    private long _aborted;
    private long _bytesIn;
    private long _bytesOut;

    internal SlotTelemetry(string app, Slot slot, TimeProvider time, ProxyMetrics metrics)
    {
        _app = app;
        Slot = slot;
        SlotName = slot == Slot.Blue ? "blue" : "green";
        _metrics = metrics;
        _windows = new TrafficWindows(time);
        _secondsPerTick = 1.0 / time.TimestampFrequency;
    }

    public Slot Slot { get; }

    internal string SlotName { get; }

    /// <summary>The backend's answer went back to the client (a 101 when its WebSocket closes).</summary>
    /// <param name="timed">False for exchanges meant to stay open (WebSockets, event streams): they would swamp the latencies.</param>
    internal void RecordAnswer(int status, long startedAt, long endedAt, bool timed) => Record(status, startedAt, endedAt, timed);

    /// <summary>The proxy answered itself because forwarding failed (the backend refused, died or went silent).</summary>
    internal void RecordProxyError(int status, long startedAt, long endedAt)
    {
        switch (status)
        {
            case 502: Interlocked.Increment(ref _proxyBadGateway); break;
            case 503: Interlocked.Increment(ref _proxyServiceUnavailable); break;
            case 504: Interlocked.Increment(ref _proxyGatewayTimeout); break;
            default: Interlocked.Increment(ref _proxyOther); break;
        }

        Record(status, startedAt, endedAt, timed: true);
    }

    /// <summary>The client went away, or a drain cut the exchange, before it was answered in full.</summary>
    internal void RecordAborted(long endedAt)
    {
        Interlocked.Increment(ref _aborted);
        _windows.Record(endedAt, -1, error: false);
    }

    internal void AddBytesIn(int count) => Interlocked.Add(ref _bytesIn, count);

    internal void AddBytesOut(int count) => Interlocked.Add(ref _bytesOut, count);

    /// <summary>The figures now, with the in-flight counts of the slot's current target.</summary>
    public SlotTelemetrySnapshot Snapshot(TrafficCounts inFlight)
    {
        Span<long> classes = stackalloc long[6];
        var codes = new SortedDictionary<int, long>();
        for (var i = 0; i < _codes.Length; i++)
        {
            var count = Volatile.Read(ref _codes[i]);
            if (count == 0)
            {
                continue;
            }

            var code = FirstCode + i;
            classes[ClassOf(code)] += count;
            if (code <= LastCode)
            {
                codes[code] = count;
            }
        }

        var aborted = Volatile.Read(ref _aborted);
        var answered = 0L;
        foreach (var count in classes)
        {
            answered += count;
        }

        return new SlotTelemetrySnapshot(
            answered + aborted,
            new StatusClassCounts(classes[1], classes[2], classes[3], classes[4], classes[5]),
            codes,
            new ProxyErrorCounts(
                Volatile.Read(ref _proxyBadGateway),
                Volatile.Read(ref _proxyServiceUnavailable),
                Volatile.Read(ref _proxyGatewayTimeout),
                Volatile.Read(ref _proxyOther)),
            aborted,
            _windows.LastMinute(),
            Volatile.Read(ref _bytesIn),
            Volatile.Read(ref _bytesOut),
            inFlight)
        {
            Latency = new CumulativeLatency(_windows.LatencySinceStart()),
        };
    }

    /// <summary>The last 15 minutes in 10-second points, oldest first; the last point is the window under way.</summary>
    public IReadOnlyList<TrafficPoint> Series() => _windows.Series();

    /// <summary>Answers by exact status since the start, for the metrics (statuses outside 100-599 are left out).</summary>
    internal IEnumerable<(int Code, long Count)> Codes()
    {
        for (var i = 0; i <= LastCode - FirstCode; i++)
        {
            if (Volatile.Read(ref _codes[i]) is var count and > 0)
            {
                yield return (FirstCode + i, count);
            }
        }
    }

    internal IEnumerable<(int Code, long Count)> ProxyErrors()
    {
        yield return (502, Volatile.Read(ref _proxyBadGateway));
        yield return (503, Volatile.Read(ref _proxyServiceUnavailable));
        yield return (504, Volatile.Read(ref _proxyGatewayTimeout));
    }

    internal long Aborted => Volatile.Read(ref _aborted);

    internal long BytesIn => Volatile.Read(ref _bytesIn);

    internal long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>1 to 5 for 1xx to 5xx, 0 for anything else.</summary>
    internal static int ClassOf(int status) => status is >= FirstCode and <= LastCode ? status / 100 : 0;

    private void Record(int status, long startedAt, long endedAt, bool timed)
    {
        var index = status is >= FirstCode and <= LastCode ? status - FirstCode : _codes.Length - 1;
        Interlocked.Increment(ref _codes[index]);
        var ticks = endedAt - startedAt;
        _windows.Record(endedAt, timed ? (long)(ticks * _secondsPerTick * 1_000_000) : -1, error: status >= 500);
        if (timed)
        {
            _metrics.RecordDuration(ticks * _secondsPerTick, _app, SlotName, ClassOf(status));
        }
    }
}
