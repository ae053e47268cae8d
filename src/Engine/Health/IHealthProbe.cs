using Cutover.Engine.Configuration;

namespace Cutover.Engine.Health;

/// <summary>Checks a slot once.</summary>
public interface IHealthProbe
{
    /// <summary>GET <see cref="HealthSpec.Path"/> on 127.0.0.1:<paramref name="port"/>; never throws for an unhealthy answer.</summary>
    Task<HealthResult> CheckAsync(int port, HealthSpec spec, CancellationToken cancellationToken);
}
