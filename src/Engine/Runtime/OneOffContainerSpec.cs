using System.Globalization;
using Cutover.Engine.Configuration;

namespace Cutover.Engine.Runtime;

/// <summary>Everything needed to create a one-off container of an app's image: its command, environment, volumes and run settings.</summary>
/// <param name="Role">What it is for, e.g. <c>release</c>: in its name and its <see cref="ContainerNaming.RoleLabel"/>.</param>
/// <param name="Env">Environment, env_file entries already merged in (explicit env wins).</param>
/// <param name="Run">The app's run settings (network, user, read_only, tmpfs, capabilities, ...); its restart policy is not applied.</param>
public sealed record OneOffContainerSpec(
    string App,
    string Role,
    string Image,
    long DeploymentId,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<string> Volumes,
    long? MemoryBytes,
    double? Cpus,
    ContainerRunSpec Run)
{
    /// <summary>The role of the release command's container.</summary>
    public const string ReleaseRole = "release";

    /// <summary>cutover-&lt;app&gt;-&lt;role&gt;-&lt;deployment&gt;, e.g. cutover-shop-release-42.</summary>
    public string ContainerName => $"cutover-{App}-{Role}-{DeploymentId.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>A one-off container of this instance, as the runtime lists it (so that one a crash left behind can be removed).</summary>
public sealed record OneOffContainer(string Id, string Name, string App, string Role, string? DeploymentId, bool Running);
