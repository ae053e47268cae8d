using Cutover.Engine.Analysis;
using Cutover.Engine.Configuration;
using Cutover.Engine.Persistence;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Deployments.Rollout;

/// <summary>
/// Judges a deployment's new slot once per analysis interval, from its first weighted request until the watch ends:
/// stores each result with the deployment and completes <see cref="Failure"/> at the first failed interval.
/// </summary>
/// <remarks>Inconclusive intervals (too few requests) are stored and shown, and never end anything.</remarks>
public sealed partial class AnalysisRun : IAsyncDisposable
{
    private readonly ISlotAnalysis? _analysis;
    private readonly DeploymentStore _deployments;
    private readonly DeploymentView _deployment;
    private readonly AppSpec _spec;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<AnalysisResult> _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;

    internal AnalysisRun(ISlotAnalysis? analysis, DeploymentStore deployments, DeploymentView deployment, AppSpec spec, ILogger logger)
    {
        _analysis = analysis;
        _deployments = deployments;
        _deployment = deployment;
        _spec = spec;
        _logger = logger;
    }

    /// <summary>Completes with the first failed interval; never when the app has no <c>analysis:</c>.</summary>
    public Task<AnalysisResult> Failure => _failure.Task;

    /// <summary>What the new slot is doing, stored with each result: <c>canary</c> or <c>watch</c>.</summary>
    public string Phase { get; set; } = "canary";

    /// <summary>The new slot's share of new requests, stored with each result.</summary>
    public int Weight { get; set; }

    /// <summary>Starts judging (once; later calls do nothing).</summary>
    public void Start()
    {
        if (_spec.Analysis is not { } thresholds || !_loop.IsCompleted || _stop.IsCancellationRequested)
        {
            return;
        }

        if (_analysis is null)
        {
            throw new InvalidOperationException($"{_spec.Name} has analysis: settings, but this host has no slot analysis registered.");
        }

        _loop = JudgeAsync(_analysis, thresholds, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task JudgeAsync(ISlotAnalysis analysis, AnalysisSpec thresholds, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var result in analysis.WatchAsync(_deployment.App, _deployment.Slot, thresholds, _deployment.Id, cancellationToken))
            {
                await _deployments.RecordAnalysisAsync(_deployment.Id, _deployment.App, Phase, Weight, result, cancellationToken);
                if (result.Outcome == AnalysisOutcome.Failed)
                {
                    _failure.TrySetResult(result);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Neither a pass nor a failure: the steps go on by their timers, as with inconclusive intervals; the log says why.
            Log.Broken(_logger, _deployment.App, _deployment.Id, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Error, "Analysis of deployment {DeploymentId} of {App} stopped; nothing more is judged")]
        public static partial void Broken(ILogger logger, string app, long deploymentId, Exception exception);
    }
}

/// <summary>Starts an <see cref="AnalysisRun"/> per deployment.</summary>
/// <param name="analysis">The proxy-telemetry analysis; optional so that a host without one still runs apps with no <c>analysis:</c>.</param>
public sealed class SlotAnalyses(DeploymentStore deployments, ILogger<AnalysisRun> logger, ISlotAnalysis? analysis = null)
{
    public AnalysisRun For(DeploymentView deployment, AppSpec spec) => new(analysis, deployments, deployment, spec, logger);
}
