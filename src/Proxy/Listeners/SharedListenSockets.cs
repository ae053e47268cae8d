using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Cutover.Proxy.Listeners;

/// <summary>Creates the host's listening sockets with SO_REUSEPORT, so that a new Cutover can bind beside a running one.</summary>
/// <remarks>
/// <para>
/// A takeover needs the new host's listeners bound while the old host still serves: then the old one stops
/// accepting and the kernel hands new connections (and, with <c>net.ipv4.tcp_migrate_req=1</c>, those still
/// queued on the closing socket) to the new one. Linux lets a second socket bind an address only when both set
/// SO_REUSEPORT and belong to the same user, so every listener sets it from the start.
/// </para>
/// <para>
/// Sharing must not hide a port that is really in use. Unless this host is joining a running Cutover, each
/// address is first probed with a plain socket: any listener there, whoever owns it and whatever its flags,
/// makes that bind fail, and the app's listener reports the address in use as before.
/// </para>
/// </remarks>
public sealed class SharedListenSockets(Func<bool> joiningRunningHost)
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    /// <summary>Sockets that refuse to share: for a host that never takes over, and for tests.</summary>
    public static SharedListenSockets Exclusive { get; } = new(() => false);

    /// <summary>True while this host is taking over: its listeners are expected to join the running host's.</summary>
    public bool JoiningRunningHost => joiningRunningHost();

    /// <summary>Kestrel's <see cref="SocketTransportOptions.CreateBoundListenSocket"/>.</summary>
    /// <exception cref="SocketException">The address is in use (AddressAlreadyInUse), or cannot be bound.</exception>
    public Socket CreateBound(EndPoint endpoint)
    {
        if (endpoint is not IPEndPoint ip || !OperatingSystem.IsLinux())
        {
            return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }

        if (ip.Port != 0 && !JoiningRunningHost)
        {
            ProbeFree(ip);
        }

        var socket = Create(ip);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(ip);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void ProbeFree(IPEndPoint ip)
    {
        using var probe = Create(ip);
        // SO_REUSEADDR lets the probe pass connections lingering in TIME_WAIT; on Linux it still fails on any listener.
        // Set raw: .NET's SocketOptionName.ReuseAddress also sets SO_REUSEPORT on Unix, which would join the listener.
        probe.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        probe.Bind(ip);
    }

    private static Socket Create(IPEndPoint ip)
    {
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (ip.Address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        return socket;
    }
}
