using System.Net;

namespace Cutover.Web.Access;

/// <summary>Whether an admin listener's address stays on this machine, by the rules Kestrel binds with.</summary>
/// <remarks>
/// Kestrel binds an address literal as written, <c>localhost</c> to 127.0.0.1 and ::1, <c>unix:/path</c> to a
/// socket file, and any other host name (<c>loopback</c>, <c>*</c>, <c>+</c>, the machine's own name) to every
/// interface. <see cref="Uri.IsLoopback"/> is not that rule: it calls <c>http://loopback:5080</c> local, which
/// Kestrel serves to the whole network.
/// </remarks>
internal static class AdminAddress
{
    /// <summary>The entries of a <c>;</c>-separated URL list, as Kestrel splits <c>--urls</c>.</summary>
    public static IEnumerable<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True for a loopback address, <c>localhost</c> or a Unix socket; false for anything else, a URL that is not one included.</summary>
    public static bool StaysOnThisMachine(string url)
    {
        if (IsUnixSocket(url))
        {
            return true;
        }

        if (HostOf(url) is not { } host)
        {
            return false;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host, out var address)
            && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    /// <summary>Why an address that does not stay on this machine is reachable from elsewhere, when that is not plain from the address.</summary>
    public static string? WhyExposed(string url) =>
        HostOf(url) is { } host && !IPAddress.TryParse(host, out _) && !StaysOnThisMachine(url)
            ? $"Kestrel binds the host name '{host}' to every interface; only 'localhost' and loopback addresses stay on this machine"
            : null;

    /// <summary>The host part of a Kestrel URL, brackets removed; <c>*</c> and <c>+</c> (which <see cref="Uri"/> refuses) kept as they are.</summary>
    public static string? HostOf(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var authority = url[(scheme + 3)..];
        var end = authority.IndexOfAny(['/', '?']);
        authority = end < 0 ? authority : authority[..end];
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            return close < 0 ? null : authority[1..close];
        }

        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    /// <summary>Kestrel's own test: <c>unix:/</c> right after the scheme, compared ordinally.</summary>
    private static bool IsUnixSocket(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return scheme >= 0 && url.AsSpan(scheme + 3).StartsWith("unix:/", StringComparison.Ordinal);
    }
}
