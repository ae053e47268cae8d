using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Cutover.Engine.Instances;
using Cutover.Engine.Model;
using Cutover.Engine.Registries;
using Docker.DotNet;
using Docker.DotNet.Models;
using Docker.DotNet.NativeHttp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Engine.Runtime;

/// <summary>
/// <see cref="IContainerRuntime"/> over the Docker Engine API (Docker.DotNet.Enhanced).
/// </summary>
/// <remarks>
/// No API version is pinned: requests go to the unversioned paths, which the engine serves at its own version
/// (Debian's Engine 20.10 speaks 1.41). Every failure leaves as a <see cref="ContainerRuntimeException"/> whose
/// message is meant for the operator; cancellation by the caller leaves as <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed partial class DockerContainerRuntime : IContainerRuntime, IDisposable
{
    /// <summary>Slot ports are published on loopback only; the proxy is the only public listener.</summary>
    public const string HostIp = "127.0.0.1";

    /// <summary>The longest a linked cancellation timer may be set for (CancelAfter's limit is ~49 days).</summary>
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(24);

    private readonly DockerClient _client;
    private readonly DockerOptions _options;
    private readonly ILogger<DockerContainerRuntime> _logger;
    private readonly InstanceIdentity _instance;
    private readonly string? _socketPath;
    private readonly RegistryCredentials? _registries;
    private readonly SemaphoreSlim _creations;

    /// <param name="registries">Where pulls find registry logins; none: every pull goes anonymous.</param>
    public DockerContainerRuntime(
        IOptions<DockerOptions> options, InstanceIdentity instance, ILogger<DockerContainerRuntime> logger, RegistryCredentials? registries = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _instance = instance;
        _logger = logger;
        _registries = registries;
        Endpoint = _options.Endpoint;
        _client = BuildClient(Endpoint, _options);
        _socketPath = Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && uri.Scheme == "unix" ? uri.LocalPath : null;
        _creations = new SemaphoreSlim(_options.ConcurrentStarts);
    }

    /// <summary>The endpoint this runtime talks to, as configured.</summary>
    public string Endpoint { get; }

    public async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        try
        {
            await CallAsync(ct => _client.Images.InspectImageAsync(image, ct), _options.RequestTimeout, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot look up image {image}: {ErrorText(ex)}", ex);
        }
    }

    public async Task PullImageAsync(string image, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        ImagePullReference reference;
        try
        {
            reference = ImagePullReference.Parse(image);
        }
        catch (ArgumentException ex)
        {
            throw new ContainerRuntimeException($"Cannot pull {image}: {ex.Message}", ex);
        }

        var login = _registries?.For(image);
        Log.Pulling(_logger, image, reference.Repository, reference.Tag, login?.Source ?? "none");
        var collector = new PullProgressCollector(progress);
        var parameters = new ImagesCreateParameters { FromImage = reference.Repository, Tag = reference.Tag };
        try
        {
            await CallAsync(
                    async ct =>
                    {
                        await _client.Images.CreateImageAsync(parameters, ToAuthConfig(login), collector, ct).ConfigureAwait(false);
                        return true;
                    },
                    _options.PullTimeout,
                    cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            // The engine answers with an HTTP error when the pull fails before it has streamed anything
            // (registry unreachable, unknown repository, refused credentials, ...).
            var reason = PullFailure(image, login, ErrorText(ex));
            Log.PullFailed(_logger, image, reason);
            // The API exception carries the engine's raw answer, which the scrubbing above has not touched: with a
            // login in play it stays out of the chain that gets logged.
            throw new ContainerRuntimeException($"Cannot pull {image}: {reason}", login is { HasCredentials: true } ? null : ex);
        }

        // Once streaming has begun, the engine reports failures only inside the stream: always check.
        var errors = collector.Errors;
        if (errors.Count > 0)
        {
            var reason = PullFailure(image, login, string.Join("; ", errors.Distinct(StringComparer.Ordinal)));
            Log.PullFailed(_logger, image, reason);
            throw new ContainerRuntimeException($"Cannot pull {image}: {reason}");
        }

        Log.Pulled(_logger, image);
    }

    public async Task<ImageRemoval> RemoveImageAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        try
        {
            // Not forced: Docker then refuses (409) while any container uses the image, which is exactly the guard wanted.
            await CallAsync(
                    ct => _client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = false, NoPrune = false }, ct),
                    _options.RequestTimeout,
                    cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return ImageRemoval.Missing;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            Log.ImageInUse(_logger, image, ErrorText(ex));
            return ImageRemoval.InUse;
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot remove image {image}: {ErrorText(ex)}", ex);
        }

        Log.ImageRemoved(_logger, image);
        return ImageRemoval.Removed;
    }

    /// <summary>The <c>X-Registry-Auth</c> a pull sends; null sends none (an anonymous pull).</summary>
    private static AuthConfig? ToAuthConfig(RegistryLogin? login) => login is { HasCredentials: true }
        ? new AuthConfig
        {
            ServerAddress = login.Registry,
            Username = login.Username,
            Password = login.Password,
            IdentityToken = login.IdentityToken,
        }
        : null;

    /// <summary>
    /// Docker's reason for a failed pull, told in the operator's terms when the registry refused access (which login
    /// was used, or that none was), and with the login's secrets scrubbed out whatever the registry echoed.
    /// </summary>
    private static string PullFailure(string image, RegistryLogin? login, string reason)
    {
        if (login is not null)
        {
            reason = login.Scrub(reason);
        }

        if (!RefusedAccess(reason))
        {
            return reason;
        }

        var registry = RegistryHost.OfImage(image);
        return login is { HasCredentials: true }
            ? $"the registry refused the credentials for {registry} (user {login.Username ?? "-"}, from {login.Source}): check them. Docker said: {reason}"
            : $"the registry {registry} refused an anonymous pull (no credentials are configured for it): if the repository exists and is "
                + $"private, set {RegistryOptions.ListKey}:N:Server, :Username and :Password, or docker login to it as the user Cutover runs as. "
                + $"Docker said: {reason}";
    }

    private static bool RefusedAccess(string reason) =>
        reason.Contains("unauthorized", StringComparison.OrdinalIgnoreCase)
        || reason.Contains("authentication required", StringComparison.OrdinalIgnoreCase)
        || reason.Contains("no basic auth credentials", StringComparison.OrdinalIgnoreCase)
        || reason.Contains("access denied", StringComparison.OrdinalIgnoreCase)
        || reason.Contains("401 Unauthorized", StringComparison.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<ManagedContainer>> ListManagedAsync(CancellationToken cancellationToken)
    {
        var parameters = new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [ContainerNaming.AppLabel] = true },
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
            throw new ContainerRuntimeException($"Cannot list Cutover's containers: {ErrorText(ex)}", ex);
        }

        // The list omits StartedAt; inspect each (a handful per application) for the exact state.
        var result = new List<ManagedContainer>(listed.Count);
        foreach (var item in listed)
        {
            var inspected = await TryInspectAsync(item.ID, cancellationToken).ConfigureAwait(false);
            if (inspected is null)
            {
                Log.VanishedWhileListing(_logger, item.ID);
                continue;
            }

            // One-off containers (the release command) are no slot's: ListOneOffsAsync lists them.
            if (IsOneOff(inspected))
            {
                continue;
            }

            // Another instance's containers are not ours to see: listing is what removal and healing start from.
            if (ToManaged(inspected) is { } managed && (managed.Instance is null || managed.Instance == _instance.Id))
            {
                result.Add(managed);
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    public async Task<ManagedContainer> CreateAsync(SlotContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.App);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Image);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.HostPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.HostPort, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.ContainerPort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.ContainerPort, 65535);

        var name = spec.ContainerName;
        if (spec.Run.Network is { } network)
        {
            // Checked before anything is removed: a missing network must leave the slot as it was.
            await CheckNetworkAsync(name, network, cancellationToken).ConfigureAwait(false);
        }

        await RemoveExistingAsync(name, spec.Replaces, cancellationToken).ConfigureAwait(false);

        var created = await CreateFromImageAsync(name, spec.Image, BuildCreateParameters(spec), cancellationToken).ConfigureAwait(false);

        Log.Created(_logger, name, created.ID, spec.App, spec.Slot.Name(), spec.Image, spec.HostPort, spec.ContainerPort);

        var inspected = await TryInspectAsync(created.ID, cancellationToken).ConfigureAwait(false)
            ?? throw new ContainerRuntimeException($"Container {name} disappeared right after it was created.");
        return ToManaged(inspected)
            ?? throw new ContainerRuntimeException($"Container {name} was created without Cutover's labels.");
    }

    public async Task StartAsync(string containerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        bool started;
        try
        {
            started = await InTurnAsync(
                    () => CallAsync(
                        ct => _client.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), ct),
                        _options.RequestTimeout,
                        cancellationToken),
                    cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ContainerRuntimeException($"Cannot start {containerId}: the container does not exist.", ex);
        }
        catch (DockerApiException ex)
        {
            var failure = await DescribeStartFailureAsync(containerId, ex, cancellationToken).ConfigureAwait(false);
            Log.StartFailed(_logger, containerId, failure.Message);
            throw failure;
        }

        if (started)
        {
            Log.Started(_logger, containerId);
        }
        else
        {
            Log.AlreadyRunning(_logger, containerId);
        }
    }

    public async Task StopAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        var seconds = StopSeconds(timeout);
        try
        {
            // The engine answers only once the container has exited, so the call may take the whole stop timeout.
            var stopped = await CallAsync(
                    ct => _client.Containers.StopContainerAsync(containerId, new ContainerStopParameters { WaitBeforeKillSeconds = seconds }, ct),
                    TimeSpan.FromSeconds(seconds) + _options.RequestTimeout,
                    cancellationToken)
                .ConfigureAwait(false);
            if (stopped)
            {
                Log.Stopped(_logger, containerId, seconds);
            }
            else
            {
                Log.AlreadyStopped(_logger, containerId);
            }
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            Log.NothingToStop(_logger, containerId);
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot stop {containerId}: {ErrorText(ex)}", ex);
        }
    }

    public async Task RemoveAsync(string containerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        if (await TryRemoveAsync(containerId, cancellationToken).ConfigureAwait(false))
        {
            Log.Removed(_logger, containerId);
        }
        else
        {
            Log.NothingToRemove(_logger, containerId);
        }
    }

    public async Task<IReadOnlyList<string>> GetLogsAsync(string containerId, int tail, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);
        if (tail <= 0)
        {
            return [];
        }

        return await WithLogErrors(
                containerId,
                () => CallAsync(
                    async ct =>
                    {
                        using var stream = await _client.Containers.GetContainerLogsAsync(containerId, LogParameters(follow: false, tail), ct).ConfigureAwait(false);
                        // Only the last lines are kept, each at most ContainerLogLines.MaxLineLength long: memory stays
                        // bounded by tail × that, whatever the engine sends.
                        var lines = new Queue<string>(Math.Min(tail, 1024));
                        await foreach (var line in ContainerLogLines.ReadAsync(stream, ct).ConfigureAwait(false))
                        {
                            if (lines.Count == tail)
                            {
                                lines.Dequeue();
                            }

                            lines.Enqueue(line);
                        }

                        return (IReadOnlyList<string>)lines.ToArray();
                    },
                    _options.RequestTimeout,
                    cancellationToken))
            .ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> FollowLogsAsync(string containerId, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(containerId);

        // Only opening the stream is bounded by the request timeout; a followed container may be quiet for hours.
        var stream = await WithLogErrors(
                containerId,
                () => CallAsync(ct => _client.Containers.GetContainerLogsAsync(containerId, LogParameters(follow: true, Math.Max(tail, 0)), ct), _options.RequestTimeout, cancellationToken))
            .ConfigureAwait(false);
        using (stream)
        using (cancellationToken.Register(stream.Dispose))
        {
            // Disposing the stream is what ends a read that is waiting for the next frame.
            var lines = ContainerLogLines.ReadAsync(stream, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (lines.ConfigureAwait(false))
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await lines.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
                    {
                        throw new OperationCanceledException(cancellationToken);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException or SocketException or ObjectDisposedException)
                    {
                        throw new ContainerRuntimeException($"The output of {containerId} stopped: {Describe(ex, _options.RequestTimeout)}", ex);
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yield return lines.Current;
                }
            }
        }
    }

    /// <summary>Creates a container, with Docker's refusal said in terms of the container and its image.</summary>
    private async Task<CreateContainerResponse> CreateFromImageAsync(string name, string image, CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            return await InTurnAsync(
                    () => CallAsync(ct => _client.Containers.CreateContainerAsync(parameters, ct), _options.RequestTimeout, cancellationToken),
                    cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ContainerRuntimeException(
                $"Cannot create {name}: image {image} is not present on this machine; pull or load it first ({ErrorText(ex)}).", ex);
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot create {name} from image {image}: {ErrorText(ex)}", ex);
        }
    }

    private static ContainerLogsParameters LogParameters(bool follow, int tail) => new()
    {
        ShowStdout = true,
        ShowStderr = true,
        Follow = follow,
        Timestamps = false,
        Tail = tail.ToString(CultureInfo.InvariantCulture),
    };

    private static async Task<T> WithLogErrors<T>(string containerId, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ContainerRuntimeException($"Cannot read the logs of {containerId}: the container does not exist.", ex);
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot read the logs of {containerId}: {ErrorText(ex)}", ex);
        }
    }

    /// <summary>Whether the engine answers within <see cref="DockerOptions.PingTimeout"/>; only the caller's cancellation throws.</summary>
    public async IAsyncEnumerable<ContainerEvent> WatchAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = new ContainerEventsParameters
        {
            Since = since?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["label"] = new Dictionary<string, bool> { [$"{ContainerNaming.InstanceLabel}={_instance.Id}"] = true },
                ["event"] = new Dictionary<string, bool> { ["start"] = true, ["die"] = true, ["oom"] = true, ["destroy"] = true },
            },
        };

        // Docker.DotNet reports each message through IProgress on its reading thread; a channel hands them over in order.
        var messages = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadEventsAsync(parameters, messages.Writer, stop.Token);
        try
        {
            await foreach (var message in messages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ToEvent(message) is { } containerEvent)
                {
                    yield return containerEvent;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PingTimeout);
        try
        {
            await _client.System.PingAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Log.PingFailed(_logger, Endpoint, Describe(ex, _options.PingTimeout));
            return false;
        }
    }

    public async Task<DaemonInfo> GetDaemonInfoAsync(CancellationToken cancellationToken)
    {
        try
        {
            var info = await CallAsync(_client.System.GetSystemInfoAsync, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            return new DaemonInfo(info.LiveRestoreEnabled);
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Docker did not say how it is configured (GET /info): {ErrorText(ex)}", ex);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _creations.Dispose();
    }

    private static DockerClient BuildClient(string endpoint, DockerOptions options)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new ContainerRuntimeException(
                $"The Docker endpoint '{endpoint}' ({DockerOptions.SectionName}:{nameof(DockerOptions.Endpoint)}) is not a valid URI; "
                + "use unix:///var/run/docker.sock or tcp://host:port.");
        }

        var builder = new DockerClientBuilder().WithEndpoint(uri).WithTimeout(options.RequestTimeout);
        switch (uri.Scheme.ToLowerInvariant())
        {
            case "unix":
                // A missing or unserved socket fails at once; no connect timeout needed (nor offered by this transport).
                return builder.Build();
            case "tcp":
            case "http":
                var connectTimeout = options.ConnectTimeout;
                return builder
                    .WithTransportOptions(new NativeHttpTransportOptions
                    {
                        ConfigureHandler = handler =>
                        {
                            handler.ConnectTimeout = connectTimeout;
                            handler.UseProxy = false; // the engine is never reached through an HTTP proxy
                        },
                    })
                    .Build();
            default:
                throw new ContainerRuntimeException(
                    $"The Docker endpoint '{endpoint}' ({DockerOptions.SectionName}:{nameof(DockerOptions.Endpoint)}) uses the unsupported scheme "
                    + $"'{uri.Scheme}'; use unix:// or tcp://.");
        }
    }

    private CreateContainerParameters BuildCreateParameters(SlotContainerSpec spec)
    {
        var port = $"{spec.ContainerPort.ToString(CultureInfo.InvariantCulture)}/tcp";
        var parameters = new CreateContainerParameters
        {
            Name = spec.ContainerName,
            Image = spec.Image,
            Labels = new Dictionary<string, string>
            {
                [ContainerNaming.InstanceLabel] = _instance.Id,
                [ContainerNaming.AppLabel] = spec.App,
                [ContainerNaming.SlotLabel] = spec.Slot.Name(),
                [ContainerNaming.DeploymentLabel] = spec.DeploymentId,
                [ContainerNaming.ImageLabel] = spec.Image,
            },
            Env = [.. spec.Env.Select(pair => $"{pair.Key}={pair.Value}")],
            // null (not an empty list) leaves the image's own CMD in place.
            Cmd = spec.Command.Count > 0 ? [.. spec.Command] : null!,
            ExposedPorts = new Dictionary<string, EmptyStruct> { [port] = default },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    [port] = [new PortBinding { HostIP = HostIp, HostPort = spec.HostPort.ToString(CultureInfo.InvariantCulture) }],
                },
                Binds = spec.Volumes.Count > 0 ? [.. spec.Volumes] : null!,
                Memory = spec.MemoryBytes ?? 0,
                NanoCPUs = spec.Cpus is { } cpus ? (long)Math.Round(cpus * 1_000_000_000d) : 0,
            },
        };
        spec.Run.ApplyTo(parameters);
        return parameters;
    }

    /// <summary>The app's network must exist, and be one whose containers can publish the slot port on 127.0.0.1.</summary>
    private async Task CheckNetworkAsync(string name, string network, CancellationToken cancellationToken)
    {
        NetworkResponse found;
        try
        {
            found = await CallAsync(ct => _client.Networks.InspectNetworkAsync(network, ct), _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ContainerRuntimeException(
                $"Cannot create {name}: the network '{network}' (container.network) does not exist on this Docker daemon; "
                + $"create it (docker network create {network}) or change container.network.", ex);
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot create {name}: the network '{network}' (container.network) cannot be inspected: {ErrorText(ex)}", ex);
        }

        if (DockerRunSettings.UnpublishableDrivers.Contains(found.Driver ?? string.Empty))
        {
            throw new ContainerRuntimeException(
                $"Cannot create {name}: the network '{network}' (container.network) uses the '{found.Driver}' driver, whose containers cannot "
                + "publish the slot port on 127.0.0.1; use a bridge network (docker network create NAME).");
        }
    }

    private static uint StopSeconds(TimeSpan timeout)
    {
        var seconds = Math.Ceiling(timeout.TotalSeconds);
        return seconds < 1 ? 1u : (uint)Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds);
    }

    /// <summary>
    /// Removes a container of the slot's name only when it is this instance's: one labelled with this instance's id,
    /// or the unlabelled one that this instance tracks for the slot (created before instances were labelled).
    /// </summary>
    private async Task RemoveExistingAsync(string name, string? replaces, CancellationToken cancellationToken)
    {
        var existing = await TryInspectAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return;
        }

        var labels = existing.Config?.Labels ?? new Dictionary<string, string>();
        labels.TryGetValue(ContainerNaming.InstanceLabel, out var owner);
        if (!string.IsNullOrEmpty(owner) && owner != _instance.Id)
        {
            throw new ContainerRuntimeException(
                $"Cannot create {name}: that name is taken by a container of another Cutover instance ({ContainerNaming.InstanceLabel}={owner}) "
                + "on this Docker daemon. Two Cutover hosts on one daemon need different application names; nothing was removed.");
        }

        if (string.IsNullOrEmpty(owner) && existing.ID != replaces)
        {
            var kind = labels.ContainsKey(ContainerNaming.AppLabel) ? "a Cutover container that this instance does not track" : "a container Cutover did not create";
            throw new ContainerRuntimeException(
                $"Cannot create {name}: that name is taken by {kind} ({existing.ID[..Math.Min(12, existing.ID.Length)]}, image {existing.Config?.Image}). "
                + "Remove or rename it yourself if it is not needed; nothing was removed.");
        }

        try
        {
            if (await TryRemoveAsync(existing.ID, cancellationToken).ConfigureAwait(false))
            {
                Log.ReplacedExisting(_logger, name);
            }
        }
        catch (ContainerRuntimeException ex) when (ex.InnerException is DockerApiException)
        {
            throw new ContainerRuntimeException($"Cannot create {name}: the existing container of that name cannot be removed: {ErrorText((DockerApiException)ex.InnerException)}", ex);
        }
    }

    /// <returns>False when there was no such container.</returns>
    private async Task<bool> TryRemoveAsync(string containerIdOrName, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(
                    async ct =>
                    {
                        await _client.Containers.RemoveContainerAsync(
                                containerIdOrName,
                                new ContainerRemoveParameters { Force = true, RemoveVolumes = false },
                                ct)
                            .ConfigureAwait(false);
                        return true;
                    },
                    _options.RequestTimeout,
                    cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict
            && ErrorText(ex).Contains("already in progress", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot remove {containerIdOrName}: {ErrorText(ex)}", ex);
        }
    }

    private async Task<ContainerInspectResponse?> TryInspectAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync(ct => _client.Containers.InspectContainerAsync(containerId, ct), _options.RequestTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (DockerApiException ex)
        {
            throw new ContainerRuntimeException($"Cannot inspect container {containerId}: {ErrorText(ex)}", ex);
        }
    }

    private ManagedContainer? ToManaged(ContainerInspectResponse container)
    {
        var labels = container.Config?.Labels ?? new Dictionary<string, string>();
        if (!labels.TryGetValue(ContainerNaming.AppLabel, out var app) || string.IsNullOrWhiteSpace(app))
        {
            Log.IgnoredContainer(_logger, container.ID, ContainerNaming.AppLabel, app);
            return null;
        }

        labels.TryGetValue(ContainerNaming.SlotLabel, out var slotLabel);
        if (!SlotExtensions.TryParse(slotLabel, out var slot))
        {
            Log.IgnoredContainer(_logger, container.ID, ContainerNaming.SlotLabel, slotLabel);
            return null;
        }

        labels.TryGetValue(ContainerNaming.DeploymentLabel, out var deployment);
        labels.TryGetValue(ContainerNaming.InstanceLabel, out var instance);
        var image = labels.TryGetValue(ContainerNaming.ImageLabel, out var labelled) && !string.IsNullOrWhiteSpace(labelled)
            ? labelled
            : container.Config?.Image ?? container.Image;
        var state = container.State;

        return new ManagedContainer(
            container.ID,
            (container.Name ?? string.Empty).TrimStart('/'),
            app,
            slot,
            image ?? string.Empty,
            string.IsNullOrWhiteSpace(deployment) ? null : deployment,
            state is { Running: true, Paused: false, Restarting: false },
            state?.Status ?? "unknown",
            ParseDockerTime(state?.StartedAt),
            string.IsNullOrWhiteSpace(instance) ? null : instance);
    }

    /// <summary>Reads Docker's event stream into <paramref name="writer"/> and completes it, with the error if the stream broke.</summary>
    private async Task ReadEventsAsync(ContainerEventsParameters parameters, ChannelWriter<Message> writer, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await _client.System.MonitorEventsAsync(parameters, new WriterProgress(writer), cancellationToken).ConfigureAwait(false);
            failure = new ContainerRuntimeException($"Docker Engine at {Endpoint} ended its event stream.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            failure = new ContainerRuntimeException($"Lost Docker Engine's event stream at {Endpoint}: {ex.Message}", ex);
        }
        catch (Exception)
        {
            // Cancelled while reading: whatever the transport threw, the caller asked to stop.
        }

        writer.TryComplete(failure);
    }

    private static ContainerEvent? ToEvent(Message message)
    {
        var attributes = message.Actor?.Attributes ?? new Dictionary<string, string>();
        if (message.Actor?.ID is not { Length: > 0 } id
            || !attributes.TryGetValue(ContainerNaming.AppLabel, out var app)
            || !attributes.TryGetValue(ContainerNaming.SlotLabel, out var slotLabel)
            || !SlotExtensions.TryParse(slotLabel, out var slot))
        {
            return null;
        }

        var at = message.TimeNano is { } nanos and > 0
            ? DateTimeOffset.UnixEpoch.AddTicks(nanos / 100)
            : DateTimeOffset.FromUnixTimeSeconds(message.Time ?? 0);
        attributes.TryGetValue("exitCode", out var exitCode);
        return new ContainerEvent(at, id, app, slot, message.Action ?? string.Empty, exitCode);
    }

    private sealed class WriterProgress(ChannelWriter<Message> writer) : IProgress<Message>
    {
        public void Report(Message value) => writer.TryWrite(value);
    }

    private static DateTimeOffset? ParseDockerTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            && time.Year > 1
            ? time
            : null;

    private async Task<ContainerRuntimeException> DescribeStartFailureAsync(string containerId, DockerApiException failure, CancellationToken cancellationToken)
    {
        var reason = ErrorText(failure);
        string name = containerId;
        string? image = null;
        string? binding = null;
        try
        {
            if (await TryInspectAsync(containerId, cancellationToken).ConfigureAwait(false) is { } inspected)
            {
                name = (inspected.Name ?? containerId).TrimStart('/');
                image = inspected.Config?.Labels is { } labels && labels.TryGetValue(ContainerNaming.ImageLabel, out var labelled)
                    ? labelled
                    : inspected.Config?.Image;
                binding = inspected.HostConfig?.PortBindings?.Values
                    .SelectMany(bindings => bindings ?? [])
                    .Select(b => $"{(string.IsNullOrEmpty(b.HostIP) ? "0.0.0.0" : b.HostIP)}:{b.HostPort}")
                    .FirstOrDefault();
            }
        }
        catch (ContainerRuntimeException)
        {
            // Best effort: the start failure itself is what the operator needs to see.
        }

        var imagePart = image is null ? string.Empty : $" (image {image})";
        if (reason.Contains("port is already allocated", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            binding ??= AddressInMessage().Match(reason) is { Success: true } match ? match.Value : "?";
            return new ContainerRuntimeException(
                $"Cannot start {name}: host port {binding} is already in use{imagePart}. Stop whatever listens there or give the slot "
                + $"another port in apps.yaml. Docker said: {reason}",
                failure);
        }

        return new ContainerRuntimeException($"Cannot start {name}{imagePart}: {reason}", failure);
    }

    /// <summary>Runs a create or a start once fewer than <see cref="DockerOptions.ConcurrentStarts"/> are under way.</summary>
    /// <remarks>
    /// Docker sets up each container's network (a veth, iptables rules, a docker-proxy per published port) largely
    /// one at a time; 50 deployments asking at once made the last ones wait past the request timeout (43 of 50 failed
    /// with "no answer within 60 s" on a loaded machine). Waiting here does not count against the call's timeout.
    /// </remarks>
    private async Task<T> InTurnAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        await _creations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            _creations.Release();
        }
    }

    /// <summary>
    /// Runs one API call bounded by <paramref name="timeout"/>, turning transport failures into the operator's
    /// "not reachable" error; <see cref="DockerApiException"/>s are left to the caller, which knows the context.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout < MaxTimer ? timeout : MaxTimer);
        try
        {
            return await call(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException or TimeoutException or OperationCanceledException)
        {
            var reason = Describe(ex, timeout);
            Log.Unreachable(_logger, Endpoint, reason);
            throw new ContainerRuntimeException(
                $"Docker Engine is not reachable at {Endpoint}: {reason}. Is the Docker daemon running, and may this user use it?", ex);
        }
    }

    private string Describe(Exception ex, TimeSpan timeout)
    {
        if (ex is OperationCanceledException or TimeoutException)
        {
            return $"no answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        }

        // .NET reports a missing unix socket as "Cannot assign requested address"; say what is wrong instead.
        if (_socketPath is not null && !File.Exists(_socketPath))
        {
            return $"the socket {_socketPath} does not exist";
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.Message;
            }
        }

        return ex.GetBaseException().Message;
    }

    /// <summary>The engine's own message from an error response (<c>{"message": "..."}</c>).</summary>
    private static string ErrorText(DockerApiException ex)
    {
        var body = ex.ResponseBody?.Trim();
        if (!string.IsNullOrEmpty(body))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("message", out var message)
                    && message.ValueKind == JsonValueKind.String
                    && !string.IsNullOrWhiteSpace(message.GetString()))
                {
                    return message.GetString()!.Trim();
                }
            }
            catch (JsonException)
            {
                // Not JSON: the body itself is the message.
            }

            return body;
        }

        return $"HTTP {(int)ex.StatusCode} {ex.StatusCode}";
    }

    [GeneratedRegex(@"\d{1,3}(\.\d{1,3}){3}:\d{1,5}")]
    private static partial Regex AddressInMessage();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Pulling image {Image} (repository {Repository}, tag {Tag}, registry login {Login})")]
        public static partial void Pulling(ILogger logger, string image, string repository, string tag, string login);

        [LoggerMessage(2, LogLevel.Information, "Pulled image {Image}")]
        public static partial void Pulled(ILogger logger, string image);

        [LoggerMessage(3, LogLevel.Warning, "Pulling image {Image} failed: {Reason}")]
        public static partial void PullFailed(ILogger logger, string image, string reason);

        [LoggerMessage(4, LogLevel.Information, "Created container {Container} ({ContainerId}) for {App} {Slot} from {Image}, 127.0.0.1:{HostPort} -> {ContainerPort}/tcp")]
        public static partial void Created(ILogger logger, string container, string containerId, string app, string slot, string image, int hostPort, int containerPort);

        [LoggerMessage(5, LogLevel.Information, "Removed the existing container {Container} to re-create it")]
        public static partial void ReplacedExisting(ILogger logger, string container);

        [LoggerMessage(6, LogLevel.Information, "Started container {ContainerId}")]
        public static partial void Started(ILogger logger, string containerId);

        [LoggerMessage(7, LogLevel.Debug, "Container {ContainerId} was already running")]
        public static partial void AlreadyRunning(ILogger logger, string containerId);

        [LoggerMessage(8, LogLevel.Warning, "Starting container {ContainerId} failed: {Reason}")]
        public static partial void StartFailed(ILogger logger, string containerId, string reason);

        [LoggerMessage(9, LogLevel.Information, "Stopped container {ContainerId} (stop timeout {TimeoutSeconds} s)")]
        public static partial void Stopped(ILogger logger, string containerId, uint timeoutSeconds);

        [LoggerMessage(10, LogLevel.Debug, "Container {ContainerId} was already stopped")]
        public static partial void AlreadyStopped(ILogger logger, string containerId);

        [LoggerMessage(11, LogLevel.Debug, "Container {ContainerId} does not exist; nothing to stop")]
        public static partial void NothingToStop(ILogger logger, string containerId);

        [LoggerMessage(12, LogLevel.Information, "Removed container {ContainerId}")]
        public static partial void Removed(ILogger logger, string containerId);

        [LoggerMessage(13, LogLevel.Debug, "Container {ContainerId} does not exist; nothing to remove")]
        public static partial void NothingToRemove(ILogger logger, string containerId);

        [LoggerMessage(14, LogLevel.Debug, "Container {ContainerId} disappeared while listing")]
        public static partial void VanishedWhileListing(ILogger logger, string containerId);

        [LoggerMessage(15, LogLevel.Warning, "Ignoring container {ContainerId}: its label {Label} is '{Value}'")]
        public static partial void IgnoredContainer(ILogger logger, string containerId, string label, string? value);

        [LoggerMessage(16, LogLevel.Debug, "Docker Engine at {Endpoint} did not answer a ping: {Reason}")]
        public static partial void PingFailed(ILogger logger, string endpoint, string reason);

        [LoggerMessage(17, LogLevel.Debug, "Docker Engine is not reachable at {Endpoint}: {Reason}")]
        public static partial void Unreachable(ILogger logger, string endpoint, string reason);

        [LoggerMessage(30, LogLevel.Information, "Removed image {Image}")]
        public static partial void ImageRemoved(ILogger logger, string image);

        [LoggerMessage(31, LogLevel.Debug, "Kept image {Image}: a container uses it ({Reason})")]
        public static partial void ImageInUse(ILogger logger, string image, string reason);
    }
}
