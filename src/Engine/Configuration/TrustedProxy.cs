using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Cutover.Engine.Configuration;

/// <summary>One entry of an app's <c>proxy.trusted_proxies</c>: an address (one host) or a CIDR network.</summary>
/// <remarks>
/// Stricter than <c>IPNetwork.TryParse</c> on purpose, because a mistake here decides whose word about the client a
/// backend believes: IPv4 shorthands ("10/8", "127.1") and leading zeros (read as octal by inet_aton and by .NET:
/// "010.0.0.1" would be 8.0.0.1) are refused, a network written with host bits ("10.0.0.1/8", which nginx takes
/// with a warning) is refused with the network it probably meant, and a /0 is refused because it would let every
/// client choose the address, scheme and host its backend sees.
/// </remarks>
public static partial class TrustedProxy
{
    /// <summary>What is wrong with <paramref name="text"/>, or null when it is a valid entry.</summary>
    public static string? Check(string text) => TryParse(text, out _, out var error) ? null : error;

    /// <summary>The network <paramref name="text"/> names; a bare address is a /32 or /128.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not valid (see <see cref="Check"/>).</exception>
    public static IPNetwork Parse(string text) =>
        TryParse(text, out var network, out var error) ? network : throw new FormatException(error);

    private static bool TryParse(string text, out IPNetwork network, out string error)
    {
        network = default;
        error = $"'{text}' is not an IP address or network; expected an address such as 10.0.0.5 or ::1, or a CIDR network such as 10.0.0.0/8 or fd00::/8";
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IsAddress(addressText) || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0)
        {
            if (!PrefixLength().IsMatch(text[(slash + 1)..])
                || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix)
                || prefix > bits)
            {
                error = $"'{text}' has no valid prefix length; an {(bits == 32 ? "IPv4" : "IPv6")} network takes 1 to {bits} after the '/'";
                return false;
            }
        }

        if (prefix == 0)
        {
            error = $"'{text}' would trust every address: any client could then choose the client address, scheme and host its backend sees; list the addresses of the proxies in front of this app instead";
            return false;
        }

        var masked = Masked(address, prefix);
        if (!masked.Equals(address))
        {
            error = $"'{text}' has address bits set past its /{prefix} prefix; write the network as {masked}/{prefix}, or {address} alone for that one host";
            return false;
        }

        network = new IPNetwork(address, prefix);
        return true;
    }

    /// <summary>A dotted quad, or something with a colon that may be IPv6 (without a zone: a zone never names a remote peer).</summary>
    private static bool IsAddress(string text) =>
        DottedQuad().IsMatch(text) || (text.Contains(':') && !text.Contains('%'));

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }

    [GeneratedRegex(@"^(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}\z")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"^[0-9]{1,3}\z")]
    private static partial Regex PrefixLength();
}
