using System.Collections.Concurrent;
using Cutover.Engine.Configuration;
using Cutover.Engine.Health;

namespace Cutover.Tests.Unit.Engine.Fakes;

/// <summary>Answers health checks per port: healthy unless the port is marked failing.</summary>
internal sealed class ScriptedHealthProbe(TimeProvider time) : IHealthProbe
{
    public ConcurrentDictionary<int, bool> Failing { get; } = new();

    public ConcurrentQueue<int> Checked { get; } = new();

    public Task<HealthResult> CheckAsync(int port, HealthSpec spec, CancellationToken cancellationToken)
    {
        Checked.Enqueue(port);
        var failing = Failing.TryGetValue(port, out var f) && f;
        return Task.FromResult(failing
            ? new HealthResult(time.GetUtcNow(), false, 500, TimeSpan.FromMilliseconds(3), "status 500, expected 200-399")
            : new HealthResult(time.GetUtcNow(), true, 200, TimeSpan.FromMilliseconds(2), null));
    }
}
