using System.Net;
using Cutover.Engine;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>The names a request's Host header may carry on the admin listener; any other is DNS rebinding or a request meant elsewhere.</summary>
/// <remarks>
/// A page on evil.example whose name is re-pointed at 127.0.0.1 reaches the admin port from the victim's own
/// browser, same-origin in the browser's eyes, but with <c>Host: evil.example</c>. Only the name is compared, not
/// the port: a rebinding page necessarily uses the admin port, and an SSH tunnel (<c>-L 8080:127.0.0.1:5080</c>)
/// legitimately arrives with another.
/// </remarks>
internal sealed class AdminHosts
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool _anyAddress;
    private readonly bool _loopback;

    public AdminHosts(IOptions<EngineOptions> engine, IOptions<ApiAccessOptions> access)
    {
        foreach (var url in AdminAddress.Split(engine.Value.AdminUrl))
        {
            if (AdminAddress.HostOf(url) is not { } host)
            {
                continue;
            }

            if (host is "*" or "+" || (IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))))
            {
                // Every interface: whatever address the caller dialled, and this machine's names.
                _anyAddress = true;
                _names.Add("localhost");
                _names.Add(Dns.GetHostName());
            }
            else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out address) && IPAddress.IsLoopback(address)))
            {
                _loopback = true;
                _names.Add("localhost");
            }
            else
            {
                _names.Add(host);
            }
        }

        _names.UnionWith(access.Value.AllowedHosts.Select(h => h.Trim()).Where(h => h.Length > 0));
    }

    /// <summary>What the refusal tells the caller to use instead.</summary>
    public string Described => _anyAddress ? "an address of this machine" + NamesSuffix()
        : _loopback ? "127.0.0.1, ::1 or localhost" + NamesSuffix()
        : string.Join(", ", _names);

    public bool Allows(HostString host)
    {
        // HTTP/1.0 without a Host header: not a browser, so not a rebinding page.
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host.Trim('[', ']');
        if (_names.Contains(name))
        {
            return true;
        }

        // An address literal cannot be re-pointed by DNS: the caller dialled it.
        return IPAddress.TryParse(name, out var address) && (_anyAddress || (_loopback && IPAddress.IsLoopback(address)));
    }

    private string NamesSuffix()
    {
        var extra = _names.Where(n => !n.Equals("localhost", StringComparison.OrdinalIgnoreCase)).ToList();
        return extra.Count == 0 ? string.Empty : ", or " + string.Join(", ", extra);
    }
}
