using System.Collections.Immutable;
using System.Net;

namespace Cutover.Proxy.Forwarding;

/// <summary>The peers of one application whose forwarding headers are believed: the proxies in front of it.</summary>
/// <remarks>
/// Only the connection's own peer is tested, as nginx's set_real_ip_from and haproxy's trusted sources do: the
/// headers are a claim, and only a peer we trust may make it. Peers reached through a dual-stack listener arrive
/// as IPv4-mapped IPv6 (::ffff:10.0.0.5), so both forms of an address are tried against every network.
/// </remarks>
public sealed class TrustedProxies
{
    private readonly ImmutableArray<IPNetwork> _networks;

    public TrustedProxies(IEnumerable<IPNetwork> networks) => _networks = [.. networks];

    /// <summary>Trusts nobody: every peer's forwarding headers are replaced.</summary>
    public static TrustedProxies None { get; } = new([]);

    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>Whether <paramref name="peer"/> (the connection's remote address) is one of the trusted proxies.</summary>
    public bool Contains(IPAddress? peer)
    {
        if (peer is null || _networks.IsEmpty)
        {
            return false;
        }

        var other = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4()
            : peer.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? peer.MapToIPv6()
            : null;
        foreach (var network in _networks)
        {
            if (network.Contains(peer) || (other is not null && network.Contains(other)))
            {
                return true;
            }
        }

        return false;
    }
}
