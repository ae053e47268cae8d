namespace Cutover.Engine.Configuration;

/// <summary>Bind mounts that hand a container the whole machine: the host's root, or the Docker socket or a folder holding it.</summary>
public static class HostMounts
{
    /// <summary>Where Docker's socket lives on Debian and Ubuntu (<c>/var/run</c> is a link to <c>/run</c> there).</summary>
    private static readonly string[] DockerSockets = ["/var/run/docker.sock", "/run/docker.sock"];

    /// <summary>Symbolic links followed at most, as Linux does (ELOOP).</summary>
    private const int MaxLinks = 40;

    /// <summary>What mounting the absolute <paramref name="hostPath"/> would expose, or null when it is an ordinary path.</summary>
    /// <remarks>
    /// Both the path as written (with <c>..</c> and <c>.</c> folded) and the path with its links followed are
    /// compared, since Docker follows links on the host: <c>/var/run/../run/docker.sock</c> and a link to the
    /// socket are the socket. A folder holding the socket (<c>/run</c>, <c>/var/run</c>) exposes it as well.
    /// </remarks>
    public static string? Exposes(string hostPath)
    {
        string[] paths = [Fold(hostPath), RealPath(hostPath)];
        if (paths.Contains("/"))
        {
            return "the host's root filesystem (/)";
        }

        foreach (var socket in DockerSockets.SelectMany(s => new[] { Fold(s), RealPath(s) }).Distinct(StringComparer.Ordinal))
        {
            if (paths.Contains(socket))
            {
                return $"the Docker socket ({socket}), which gives the container control of Docker and so root on this machine";
            }

            if (paths.FirstOrDefault(p => socket.StartsWith(p + "/", StringComparison.Ordinal)) is { } folder)
            {
                return $"{folder}, the folder holding the Docker socket ({socket}), which gives the container control of Docker and so root on this machine";
            }
        }

        return null;
    }

    /// <summary>The path with <c>.</c>, <c>..</c> and repeated slashes folded, links not followed.</summary>
    public static string Fold(string path) => Resolve(path, followLinks: false);

    /// <summary>The path with every symbolic link along it followed, as far as the links exist and can be read.</summary>
    public static string RealPath(string path) => Resolve(path, followLinks: true);

    private static string Resolve(string path, bool followLinks)
    {
        var remaining = new List<string>(path.Split('/'));
        var resolved = new List<string>();
        var links = 0;
        while (remaining.Count > 0)
        {
            var part = remaining[0];
            remaining.RemoveAt(0);
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var target = followLinks && links < MaxLinks ? LinkTarget("/" + string.Join('/', resolved.Append(part))) : null;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }

            links++;
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            remaining.InsertRange(0, target.Split('/'));
        }

        return "/" + string.Join('/', resolved);
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable: judged by the path as written, which is compared as well.
            return null;
        }
    }
}
