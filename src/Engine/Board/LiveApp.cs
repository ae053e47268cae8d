using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Health;
using Cutover.Engine.Status;
using Cutover.Engine.Traffic;

namespace Cutover.Engine.Board;

/// <summary>One application on the board at this moment: what the console's cards and the API's list show.</summary>
/// <param name="Latencies">The active slot's last checks, oldest first.</param>
/// <param name="Running">The deployment under way, if any.</param>
/// <param name="Last">The newest finished deployment, if any.</param>
/// <param name="Drain">The drain under way, while there is one.</param>
/// <param name="Healing">The newest self-healing outcome, until a deployment by someone else replaces what serves.</param>
/// <param name="Finished">The app's deployments that finished in the last 7 days (the dashboard's summary); null before they are read.</param>
/// <param name="Traffic">The proxy's last 15 minutes per slot as of the last closed window; null until the first one closes.</param>
public sealed record LiveApp(
    AppStatus Status,
    IReadOnlyList<HealthResult> Latencies,
    DeploymentView? Running,
    DeploymentView? Last,
    DrainStatus? Drain,
    AppHealed? Healing = null,
    TrafficSeries? Traffic = null,
    IReadOnlyList<FinishedDeployment>? Finished = null)
{
    public string Name => Status.Name;
}
