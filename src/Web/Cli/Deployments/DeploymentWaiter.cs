using System.Net;
using Cutover.Web.Cli.Api;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Events;

namespace Cutover.Web.Cli.Deployments;

/// <summary>Follows a deployment to its end through its server-sent events, handing each event to the display.</summary>
/// <remarks>
/// A stream that ends before the terminal event (host restarted, a proxy cut it) is re-opened: it starts again
/// with the deployment as it is now. A host without the events endpoint (404) is followed by reading the
/// deployment every <see cref="PollInterval"/> instead.
/// </remarks>
public sealed class DeploymentWaiter(ApiClient api, TimeProvider time)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <param name="timeout">How long to wait; past it the deployment goes on and the outcome says so.</param>
    /// <param name="cancellationToken">Ctrl+C: stop waiting, as at the timeout.</param>
    public async Task<WaitOutcome> WaitAsync(ApiResult<Deployment> started, TimeSpan timeout, Action<LiveEvent> show, CancellationToken cancellationToken)
    {
        var last = new DeploymentEvent(started.Value) { Json = started.Json };
        show(last);
        if (last.Deployment.IsFinished)
        {
            return new WaitOutcome(last.Deployment, last.Json, TimedOut: false);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        var streaming = true;
        try
        {
            while (true)
            {
                if (streaming)
                {
                    try
                    {
                        await foreach (var liveEvent in api.DeploymentEventsAsync(last.Deployment.Id, bound.Token))
                        {
                            show(liveEvent);
                            if (liveEvent is DeploymentEvent deployment && deployment.Deployment.Id == last.Deployment.Id)
                            {
                                last = deployment;
                                if (last.Deployment.IsFinished)
                                {
                                    return new WaitOutcome(last.Deployment, last.Json, TimedOut: false);
                                }
                            }
                        }
                    }
                    catch (ApiProblemException ex) when (ex.Status == HttpStatusCode.NotFound)
                    {
                        // The deployment exists (it was just started): it is the endpoint that is missing.
                        streaming = false;
                    }
                }

                // The stream ended early, or there is none: read where the deployment is.
                var current = await api.DeploymentAsync(last.Deployment.Id, bound.Token);
                last = new DeploymentEvent(current.Value) { Json = current.Json };
                show(last);
                if (last.Deployment.IsFinished)
                {
                    return new WaitOutcome(last.Deployment, last.Json, TimedOut: false);
                }

                await Task.Delay(PollInterval, time, bound.Token);
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return new WaitOutcome(last.Deployment, last.Json, TimedOut: true);
        }
    }
}

/// <summary>Where waiting left a deployment: finished, or still running when the wait gave up.</summary>
public sealed record WaitOutcome(Deployment Deployment, string Json, bool TimedOut);
