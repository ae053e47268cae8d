using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Cutover.Engine.Runtime;

/// <summary>One-off containers: an app's image run once to its exit (the release command), then removed by the caller.</summary>
public sealed partial class DockerContainerRuntime
{
    public async Task<string> CreateOneOffAsync(OneOffContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.App);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Image);
        ArgumentOutOfRangeException.ThrowIfZero(spec.Command.Count);

        var name = spec.ContainerName;
        if (spec.Run.Network is { } network)
        {
            await CheckNetworkAsync(name, network, cancellationToken).ConfigureAwait(false);
        }

        // A leftover of the same name (a crash mid-release of this very deployment) is this instance's to replace.
        await RemoveExistingAsync(name, replaces: null, cancellationToken).ConfigureAwait(false);

        var created = await CreateFromImageAsync(name, spec.Image, BuildOneOffParameters(spec), cancellationToken).ConfigureAwait(false);

        Log.CreatedOneOff(_logger, name, created.ID, spec.App, spec.Role, spec.Image);
        return created.ID;
    }

    public async Task<long> WaitForExitAsync(string containerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        ContainerWaitResponse response;
        try
        {
            // Bounded by the caller (the release timeout), not by the request timeout: a migration may take an hour.
            response = await CallAsync(ct => _client.Containers.WaitContainerAsync(containerId, ct), MaxTimer, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ContainerRuntimeException($"Cannot wait for {containerId}: the container does not exist.", ex);
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot wait for {containerId}: {ErrorText(ex)}", ex);
        }

        if (response.Error?.Message is { Length: > 0 } error)
        {
            throw new ContainerRuntimeException($"Docker could not tell how {containerId} exited: {error}");
        }

        return response.StatusCode;
    }

    public async Task<IReadOnlyList<OneOffContainer>> ListOneOffsAsync(CancellationToken cancellationToken)
    {
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool>
                {
                    [ContainerNaming.RoleLabel] = true,
                    [$"{ContainerNaming.InstanceLabel}={_instance.Id}"] = true,
                },
            },
        };

        IList<ContainerListResponse> listed;
        try
        {
            listed = await CallAsync(ct => _client.Containers.ListContainersAsync(parameters, ct), _options.RequestTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot list Cutover's one-off containers: {ErrorText(ex)}", ex);
        }

        return [.. listed.Select(c => new OneOffContainer(
            c.ID,
            c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID,
            c.Labels.TryGetValue(ContainerNaming.AppLabel, out var app) ? app : string.Empty,
            c.Labels.TryGetValue(ContainerNaming.RoleLabel, out var role) ? role : string.Empty,
            c.Labels.TryGetValue(ContainerNaming.DeploymentLabel, out var deployment) ? deployment : null,
            string.Equals(c.State, "running", StringComparison.OrdinalIgnoreCase)))];
    }

    private static bool IsOneOff(ContainerInspectResponse container) =>
        container.Config?.Labels?.ContainsKey(ContainerNaming.RoleLabel) == true;

    private CreateContainerParameters BuildOneOffParameters(OneOffContainerSpec spec)
    {
        var parameters = new CreateContainerParameters
        {
            Name = spec.ContainerName,
            Image = spec.Image,
            Labels = new Dictionary<string, string>
            {
                [ContainerNaming.InstanceLabel] = _instance.Id,
                [ContainerNaming.AppLabel] = spec.App,
                [ContainerNaming.RoleLabel] = spec.Role,
                [ContainerNaming.DeploymentLabel] = spec.DeploymentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [ContainerNaming.ImageLabel] = spec.Image,
            },
            Env = [.. spec.Env.Select(pair => $"{pair.Key}={pair.Value}")],
            Cmd = [.. spec.Command],
            HostConfig = new HostConfig
            {
                Binds = spec.Volumes.Count > 0 ? [.. spec.Volumes] : null!,
                Memory = spec.MemoryBytes ?? 0,
                NanoCPUs = spec.Cpus is { } cpus ? (long)Math.Round(cpus * 1_000_000_000d) : 0,
            },
        };
        spec.Run.ApplyTo(parameters);

        // Run once: Docker must not start it again after it exits (or after a daemon restart), whatever the slots do.
        parameters.HostConfig.RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No };
        return parameters;
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "Created one-off container {Container} ({ContainerId}) for {App} ({Role}) from {Image}")]
        public static partial void CreatedOneOff(ILogger logger, string container, string containerId, string app, string role, string image);
    }
}
