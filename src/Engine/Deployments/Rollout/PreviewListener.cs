using Cutover.Engine.Configuration;
using Cutover.Engine.Traffic;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Deployments.Rollout;

/// <summary>Opens and closes the listener on which a healthy new slot answers before it is promoted (<c>preview.listen</c>).</summary>
public sealed partial class PreviewListener(ITrafficSwitch traffic, ILogger<PreviewListener> logger)
{
    /// <returns>What the step message says about the preview, or null when the app has none.</returns>
    public async Task<string?> OpenAsync(DeploymentView deployment, AppSpec spec, CancellationToken cancellationToken)
    {
        // An app's first deployment is switched at once (nothing serves to compare with): no preview to open.
        if (spec.Preview is not { } preview || deployment.PreviousSlot is null)
        {
            return null;
        }

        // A preview that cannot bind is said, not fatal: production traffic does not depend on it.
        var error = await traffic.PreviewAsync(spec.Name, preview.Listen, deployment.Slot, cancellationToken);
        if (error is not null)
        {
            Log.PreviewDown(logger, spec.Name, preview.Listen.ToString(), error);
            return $"the preview on {preview.Listen} could not listen: {error}";
        }

        return $"preview on http://{preview.Listen}";
    }

    public Task CloseAsync(AppSpec spec, CancellationToken cancellationToken) =>
        spec.Preview is null ? Task.CompletedTask : traffic.StopPreviewAsync(spec.Name, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Preview listener of {App} on {Listen} is down: {Reason}")]
        public static partial void PreviewDown(ILogger logger, string app, string listen, string reason);
    }
}
