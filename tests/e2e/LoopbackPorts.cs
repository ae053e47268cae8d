using System.Net;
using System.Net.Sockets;

namespace Cutover.Tests.E2E;

/// <summary>Hands out loopback ports that are free now and never handed out twice in this test run.</summary>
/// <remarks>
/// Asking the kernel for port 0 and releasing it can return the same port twice in a row, and the port comes
/// from the ephemeral range that outgoing connections also draw from; a test that took two such ports for a
/// blue and a green slot once got the same one for both. Ports here come from below the ephemeral range
/// (32768 on Linux), start at a random offset so concurrent test processes rarely meet, and are probed before
/// they are handed out. scripts/test.sh runs the e2e tests as two processes at once and gives each its own
/// range (CUTOVER_E2E_PORTS=first-last), so that one never probes a port the other has handed out but not bound yet.
/// </remarks>
public static class LoopbackPorts
{
    private static readonly (int First, int Count) Range = RangeFromEnvironment();
    private static readonly int First = Range.First;
    private static readonly int Count = Range.Count;
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port on 127.0.0.1 that nothing listened on when asked and that no other caller got.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (Interlocked.Increment(ref _next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}-{First + Count - 1}");
    }

    private static (int First, int Count) RangeFromEnvironment()
    {
        var range = Environment.GetEnvironmentVariable("CUTOVER_E2E_PORTS");
        if (string.IsNullOrEmpty(range))
        {
            return (20_000, 12_000);
        }

        var parts = range.Split('-');
        if (parts.Length == 2 && int.TryParse(parts[0], out var first) && int.TryParse(parts[1], out var last) && first is > 1024 and < 32768 && last >= first + 100 && last < 32768)
        {
            return (first, last - first + 1);
        }

        throw new InvalidOperationException($"CUTOVER_E2E_PORTS={range}: expected first-last, at least 100 ports between 1025 and 32767");
    }

    private static bool IsFree(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
