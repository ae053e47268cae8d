using Cutover.Engine.Configuration;
using Cutover.Engine.Persistence;

namespace Cutover.Engine.Deployments;

/// <summary>What an app should run: the image of its last completed deployment, apps.yaml's image before the first.</summary>
/// <remarks>
/// Recovery after a restart and self-healing start this image, never an older apps.yaml one: a release
/// deployed through the API must not be undone by a container crash or a restart of Cutover.
/// </remarks>
public sealed class DesiredState(DeploymentStore deployments)
{
    public async Task<string> ImageOfAsync(AppSpec spec, CancellationToken cancellationToken) =>
        (await deployments.LastCompletedAsync(spec.Name, cancellationToken))?.Image ?? spec.Image;
}
