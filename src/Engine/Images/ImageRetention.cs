using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Images;

/// <summary>
/// After a deployment, removes the app's images that Cutover pulled beyond the newest <c>retain_images</c>, so that
/// a host deploying every day does not fill its disk; each removal is audited (<c>image.removed</c>).
/// </summary>
/// <remarks>
/// Only images Cutover pulled are candidates (<see cref="PulledImageStore"/>): one loaded by hand is never touched.
/// An image a slot's container holds (the serving one, the one kept for a rollback) is kept, of this app or another;
/// and the removal is never forced, so Docker itself keeps an image that any other container on the daemon uses.
/// </remarks>
public sealed partial class ImageRetention(
    IContainerRuntime runtime,
    PulledImageStore pulled,
    AppStateStore state,
    AuditLog audit,
    SecretRedactor redactor,
    ILogger<ImageRetention> logger)
{
    /// <param name="deploymentId">The deployment after which this runs, for the audit entries.</param>
    /// <returns>The images removed.</returns>
    public async Task<IReadOnlyList<string>> ApplyAsync(string app, int retain, long? deploymentId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retain);
        var candidates = (await pulled.ListAsync(app, cancellationToken)).Skip(retain).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        // Docker's word and the database's together: a kept container may be tracked but not listed (or the reverse).
        var keep = new HashSet<string>(StringComparer.Ordinal);
        keep.UnionWith((await runtime.ListManagedAsync(cancellationToken)).Select(c => c.Image));
        keep.UnionWith((await state.GetContainersAsync(null, cancellationToken)).Select(c => c.Image));
        // Another app's retention decides about an image that app pulled too.
        keep.UnionWith(await pulled.PulledByOthersAsync(app, cancellationToken));

        var removed = new List<string>();
        foreach (var candidate in candidates)
        {
            if (keep.Contains(candidate.Image))
            {
                continue;
            }

            var outcome = await runtime.RemoveImageAsync(candidate.Image, cancellationToken);
            switch (outcome)
            {
                case ImageRemoval.Removed:
                    await pulled.ForgetAsync(app, candidate.Image, cancellationToken);
                    await audit.AppendAsync("engine", "image.removed", "ok", app, $"{candidate.Image}: beyond the newest {retain} pulled (retain_images)", cancellationToken, deploymentId);
                    Log.Removed(logger, app, candidate.Image, retain);
                    removed.Add(candidate.Image);
                    break;
                case ImageRemoval.Missing:
                    // Removed by someone else meanwhile: nothing left to keep track of.
                    await pulled.ForgetAsync(app, candidate.Image, cancellationToken);
                    break;
                case ImageRemoval.InUse:
                    // Another container on the daemon uses it: tried again after the next deployment.
                    Log.KeptInUse(logger, app, candidate.Image);
                    break;
            }
        }

        return removed;
    }

    /// <summary>As <see cref="ApplyAsync"/>, but a failure is logged, never thrown: a finished deployment stays finished.</summary>
    public async Task TryApplyAsync(string app, int retain, long? deploymentId, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(app, retain, deploymentId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: the next deployment tidies up.
        }
        catch (Exception ex)
        {
            // Whatever went wrong (Docker, the database), the deployment it follows has completed and must stay so.
            Log.Failed(logger, app, redactor.Redact(ex.Message));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Removed image {Image} of {App}: beyond the newest {Retain} pulled")]
        public static partial void Removed(ILogger logger, string app, string image, int retain);

        [LoggerMessage(2, LogLevel.Information, "Kept image {Image} of {App} beyond retain_images: a container outside Cutover's slots uses it")]
        public static partial void KeptInUse(ILogger logger, string app, string image);

        [LoggerMessage(3, LogLevel.Warning, "Removing old images of {App} failed; tried again after its next deployment: {Reason}")]
        public static partial void Failed(ILogger logger, string app, string reason);
    }
}
