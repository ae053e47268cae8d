namespace Cutover.Engine.Deployments;

/// <summary>One page of deployment history, newest first, with the total the filter matches.</summary>
public sealed record DeploymentPage(IReadOnlyList<DeploymentView> Items, int Total, int Skip, int Take);
