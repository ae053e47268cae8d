using Cutover.Engine.Configuration;
using Cutover.Engine.Persistence;

namespace Cutover.Engine.Deployments;

/// <summary>Decides where a rollback goes: the release that served before the current one, or the one it names.</summary>
/// <remarks>
/// A release is an image that completed a deployment. The default target is the newest completed deployment whose
/// image differs from the one serving: a redeploy of the serving image is not a release, and a failed or rolled-back
/// deployment never served. Earlier rollbacks count like any deployment, so after v1 → v2 → rollback (v1), a second
/// rollback goes to v2: the release that served before the current one, not further back in time.
/// The console and the CLI ask this before confirming; the coordinator asks it again when the request comes.
/// </remarks>
public sealed class RollbackTargets(DeploymentStore deployments, AppStateStore state)
{
    /// <summary>Where a rollback of <paramref name="app"/> would go now, with <paramref name="to"/> naming the release or not.</summary>
    /// <exception cref="RollbackTargetException">There is no release to go to, or the one named cannot be gone back to.</exception>
    /// <exception cref="DeploymentRequestException">The image named is not a valid reference.</exception>
    public async Task<RollbackPlan> PlanAsync(string app, RollbackTo? to, CancellationToken cancellationToken)
    {
        var releases = await deployments.ListReleasesAsync(app, cancellationToken);
        // What the proxy serves; before anything switched (or if the state was lost), the last release.
        var serving = (await state.GetAsync(app, cancellationToken))?.ActiveImage ?? releases.FirstOrDefault()?.Image;
        var earlier = releases.Where(r => r.Image != serving).ToArray();
        var target = to switch
        {
            null => earlier.FirstOrDefault() ?? throw new RollbackTargetException(
                RollbackRefusal.NoEarlierRelease,
                serving is null
                    ? $"{app} has no earlier release to roll back to: no deployment of it has completed yet."
                    : $"{app} has no earlier release to roll back to: every completed deployment of it ran {serving}."),
            { DeploymentId: { } id } => await ByDeploymentAsync(app, id, serving, cancellationToken),
            { Image: { } image } => ByImage(app, image, serving, earlier),
            _ => throw new ArgumentOutOfRangeException(nameof(to)),
        };
        return new RollbackPlan(app, serving, target, earlier);
    }

    private async Task<Release> ByDeploymentAsync(string app, long id, string? serving, CancellationToken cancellationToken)
    {
        var named = await deployments.GetAsync(id, cancellationToken)
            ?? throw new RollbackTargetException(RollbackRefusal.UnknownDeployment, $"There is no deployment {id}.");
        if (named.App != app)
        {
            throw new RollbackTargetException(RollbackRefusal.OtherApp, $"Deployment {id} is of {named.App}, not {app}; a rollback goes back to a release of the same application.");
        }

        if (named.Status != DeploymentStatus.Completed)
        {
            var why = named.Status.IsTerminal()
                ? $"it ended {named.Status.ToSnakeCase()}" + (named.Error is { } error ? $" ({error})" : string.Empty)
                : $"it is still {named.Status.ToSnakeCase()}";
            throw new RollbackTargetException(RollbackRefusal.NotCompleted, $"Deployment {id} of {app} never completed, so {named.Image} never served as a release: {why}. Name a completed deployment.");
        }

        if (named.Image == serving)
        {
            throw new RollbackTargetException(RollbackRefusal.AlreadyServing, $"{app} already serves {named.Image}, the image of deployment {id}; redeploy to start it afresh.");
        }

        return new Release(named.Image, named.Id, named.FinishedAt ?? named.StartedAt);
    }

    private static Release ByImage(string app, string image, string? serving, IReadOnlyList<Release> earlier)
    {
        if (!ImageReference.IsValid(image, out var error))
        {
            throw new DeploymentRequestException($"'{ImageReference.Shown(image)}' is not a valid image reference: {error}");
        }

        if (image == serving)
        {
            throw new RollbackTargetException(RollbackRefusal.AlreadyServing, $"{app} already serves {image}; redeploy to start it afresh.");
        }

        // Only a release: an image that never served here is a new deployment, with the pull policy's say over it.
        return earlier.FirstOrDefault(r => r.Image == image) ?? throw new RollbackTargetException(
            RollbackRefusal.NotARelease,
            $"{image} never completed a deployment of {app}, so there is no release of it to go back to; deploy it instead."
                + (image.All(char.IsAsciiDigit) ? $" To name deployment {image}, send its id as a number." : string.Empty));
    }
}
