using System.Net;
using System.Net.Sockets;

namespace Cutover.Tests.E2E;

/// <summary>Hands out loopback ports that are free now and never handed out twice in this test run.</summary>
/// <remarks>
/// Asking the kernel for port 0 and releasing it can return the same port twice in a row, and the port comes
/// from the ephemeral range that outgoing connections also draw from; a test that took two such ports for a
/// blue and a green slot once got the same one for both. Ports here come from below the ephemeral range
/// (32768 on Linux), start at a random offset so concurrent test processes rarely meet, and are probed before
/// they are handed out.
/// </remarks>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;
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
