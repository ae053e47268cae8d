namespace Cutover.Proxy.Listeners;

/// <summary>The kernel setting <c>net.ipv4.tcp_migrate_req</c>, which a takeover wants on.</summary>
/// <remarks>
/// When a SO_REUSEPORT listener closes, connections already in its accept queue are reset unless this is 1: then
/// the kernel moves them to another listener of the same group, i.e. the new host's. It applies to every
/// listener in the network namespace (IPv4 and IPv6), and needs root (or CAP_NET_ADMIN) to set.
/// </remarks>
public static class TcpMigrateRequests
{
    private const string Path = "/proc/sys/net/ipv4/tcp_migrate_req";

    /// <summary>Sets it to 1 when it is not already.</summary>
    /// <returns>Null when it is on; otherwise why it could not be turned on.</returns>
    public static string? TryEnable()
    {
        try
        {
            if (File.ReadAllText(Path).Trim() == "1")
            {
                return null;
            }

            File.WriteAllText(Path, "1");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }
}
