using System.Globalization;
using Cutover.Engine.Configuration;
using Docker.DotNet.Models;

namespace Cutover.Engine.Runtime;

/// <summary>apps.yaml's container run settings as Docker's create parameters: network, restart, log, privileges, labels, stop timeout.</summary>
internal static class DockerRunSettings
{
    /// <summary>Network drivers whose containers cannot have a port published on 127.0.0.1, so a slot could never be reached.</summary>
    public static readonly IReadOnlySet<string> UnpublishableDrivers = new HashSet<string>(StringComparer.Ordinal) { "host", "null", "macvlan", "ipvlan" };

    /// <summary>Sets <paramref name="parameters"/> from <paramref name="run"/>; Cutover's own labels must already be in place and are kept.</summary>
    public static void ApplyTo(this ContainerRunSpec run, CreateContainerParameters parameters)
    {
        var host = parameters.HostConfig ??= new HostConfig();
        foreach (var (name, value) in run.Labels)
        {
            // The parser refuses cutover.* names; kept here too, since these labels decide which containers are Cutover's.
            parameters.Labels.TryAdd(name, value);
        }

        parameters.User = run.User ?? string.Empty;
        parameters.StopTimeout = run.StopTimeout is { } stop ? TimeSpan.FromSeconds(Math.Ceiling(stop.TotalSeconds)) : null;
        host.NetworkMode = run.Network ?? string.Empty;
        host.RestartPolicy = new RestartPolicy { Name = KindOf(run.Restart) };
        host.LogConfig = LogConfigOf(run.Log);
        host.ReadonlyRootfs = run.ReadOnly;
        host.Tmpfs = run.Tmpfs.Count > 0 ? run.Tmpfs.ToDictionary(Target, Options, StringComparer.Ordinal) : null!;
        host.CapDrop = run.CapDrop.Count > 0 ? [.. run.CapDrop] : null!;
        host.CapAdd = run.CapAdd.Count > 0 ? [.. run.CapAdd] : null!;
        host.SecurityOpt = run.NoNewPrivileges ? ["no-new-privileges:true"] : null!;
        host.ExtraHosts = run.ExtraHosts.Count > 0 ? [.. run.ExtraHosts] : null!;
    }

    private static RestartPolicyKind KindOf(RestartMode mode) => mode switch
    {
        RestartMode.No => RestartPolicyKind.No,
        RestartMode.OnFailure => RestartPolicyKind.OnFailure,
        RestartMode.Always => RestartPolicyKind.Always,
        _ => RestartPolicyKind.UnlessStopped,
    };

    private static LogConfig LogConfigOf(LogSpec log)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        if (log.MaxSizeBytes is { } size)
        {
            config["max-size"] = DockerSize(size);
        }

        if (log.MaxFiles is { } files)
        {
            config["max-file"] = files.ToString(CultureInfo.InvariantCulture);
        }

        return new LogConfig { Type = log.Driver, Config = config };
    }

    /// <summary>As Docker writes sizes (1024-based k, m, g), so that docker inspect shows 10m rather than 10485760.</summary>
    private static string DockerSize(long bytes) => bytes switch
    {
        _ when bytes % (1L << 30) == 0 => $"{bytes >> 30}g",
        _ when bytes % (1L << 20) == 0 => $"{bytes >> 20}m",
        _ when bytes % (1L << 10) == 0 => $"{bytes >> 10}k",
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };

    private static string Target(string tmpfs) => tmpfs.Split(':', 2)[0];

    private static string Options(string tmpfs) => tmpfs.Split(':', 2) is [_, var options] ? options : string.Empty;
}
