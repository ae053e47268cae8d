using System.Globalization;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.ReleaseCommands;

/// <summary>
/// Runs an app's release command (apps.yaml's <c>release:</c>, e.g. migrations) in a one-off container of the new image,
/// before the new slot starts: its output is kept and published line by line, and the container is always removed.
/// </summary>
public sealed partial class ReleaseCommand(
    IContainerRuntime runtime,
    DeploymentStore deployments,
    ReleaseOutputs outputs,
    TimeProvider time,
    ILogger<ReleaseCommand> logger)
{
    /// <summary>How long removing the one-off container may take; it runs even when the deployment was cancelled or the host stops.</summary>
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the command to its end; returns only when it exited 0.</summary>
    /// <exception cref="ReleaseFailedException">It exited non-zero, or ran past its timeout (then it was killed).</exception>
    /// <exception cref="OperationCanceledException">The deployment was cancelled or the host stops: the container is removed all the same.</exception>
    public async Task RunAsync(DeploymentView deployment, AppSpec spec, ReleaseSpec release, CancellationToken cancellationToken)
    {
        var command = string.Join(' ', release.Command);
        var timeoutText = Seconds(release.Timeout);
        await deployments.TransitionAsync(
            deployment.Id, DeploymentStatus.Releasing, $"running `{command}` in a one-off container of {deployment.Image} (timeout {timeoutText})", cancellationToken);
        var env = await EnvFile.MergeAsync(spec.Container.EnvFile, spec.Container.Env, cancellationToken);
        var container = new OneOffContainerSpec(
            spec.Name,
            OneOffContainerSpec.ReleaseRole,
            deployment.Image,
            deployment.Id,
            release.Command,
            env,
            spec.Container.Volumes,
            spec.Container.MemoryBytes,
            spec.Container.Cpus,
            spec.Container.Run);

        var output = outputs.Begin(spec.Name, deployment.Id, command);
        using var timeout = new CancellationTokenSource(release.Timeout, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string? containerId = null;
        long? exitCode = null;
        try
        {
            containerId = await runtime.CreateOneOffAsync(container, bounded.Token);
            await runtime.StartAsync(containerId, bounded.Token);
            exitCode = await RunToExitAsync(containerId, output, bounded.Token);
        }
        catch (Exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Timed out: whatever the interrupted call threw, the cause is the timeout; the removal below kills the command.
        }
        finally
        {
            await RemoveQuietlyAsync(deployment, container.ContainerName, containerId);
            await output.EndAsync(exitCode, CancellationToken.None);
        }

        var last = output.LastLine is { } line ? $"; last output: {line}" : "; it printed nothing";
        if (exitCode is not { } code)
        {
            Log.TimedOut(logger, spec.Name, deployment.Id, command, timeoutText);
            throw new ReleaseFailedException($"the release command `{command}` did not finish within {timeoutText}: killed, nothing switched{last}");
        }

        if (code != 0)
        {
            Log.ExitedNonZero(logger, spec.Name, deployment.Id, command, code);
            throw new ReleaseFailedException($"the release command `{command}` exited with code {code}, nothing switched{last}");
        }

        Log.Succeeded(logger, spec.Name, deployment.Id, command);
    }

    /// <returns>The command's exit code, once its container has exited; its output was written on the way.</returns>
    private async Task<long> RunToExitAsync(string containerId, LiveReleaseOutput output, CancellationToken cancellationToken)
    {
        try
        {
            // From the first line (the container may already have written some), until the container exits.
            await foreach (var line in runtime.FollowLogsAsync(containerId, int.MaxValue, cancellationToken))
            {
                output.Write(line);
            }
        }
        catch (ContainerRuntimeException ex)
        {
            // A broken output stream does not decide the release: its exit code does.
            Log.OutputLost(logger, containerId, ex.Message);
        }

        return await runtime.WaitForExitAsync(containerId, cancellationToken);
    }

    /// <summary>Removes (killing if need be) the one-off container, even after a cancel; a failure is logged, and the orphan clean-up at the next start removes it.</summary>
    private async Task RemoveQuietlyAsync(DeploymentView deployment, string name, string? containerId)
    {
        if (containerId is null)
        {
            return;
        }

        using var bound = new CancellationTokenSource(RemoveTimeout, time);
        try
        {
            await runtime.RemoveAsync(containerId, bound.Token);
        }
        catch (Exception ex) when (ex is ContainerRuntimeException or OperationCanceledException)
        {
            Log.RemoveFailed(logger, deployment.App, deployment.Id, name, ex.Message);
        }
    }

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Release command `{Command}` of {App} (deployment {DeploymentId}) succeeded")]
        public static partial void Succeeded(ILogger logger, string app, long deploymentId, string command);

        [LoggerMessage(2, LogLevel.Warning, "Release command `{Command}` of {App} (deployment {DeploymentId}) exited with code {ExitCode}")]
        public static partial void ExitedNonZero(ILogger logger, string app, long deploymentId, string command, long exitCode);

        [LoggerMessage(3, LogLevel.Warning, "Release command `{Command}` of {App} (deployment {DeploymentId}) did not finish within {Timeout}; killed")]
        public static partial void TimedOut(ILogger logger, string app, long deploymentId, string command, string timeout);

        [LoggerMessage(4, LogLevel.Warning, "Could not remove the release container {Container} of {App} (deployment {DeploymentId}): {Reason}; the next start removes it")]
        public static partial void RemoveFailed(ILogger logger, string app, long deploymentId, string container, string reason);

        [LoggerMessage(5, LogLevel.Debug, "The output of release container {ContainerId} broke off: {Reason}")]
        public static partial void OutputLost(ILogger logger, string containerId, string reason);
    }
}
