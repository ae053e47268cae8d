using System.Net;
using System.Net.Sockets;
using Cutover.Proxy.Listeners;

namespace Cutover.Tests.E2E.Takeover;

/// <summary>The kernel behaviour a takeover rests on, checked on this machine's kernel with real loopback sockets.</summary>
public sealed class SharedListenSocketsTests
{
    [Fact]
    public void AForeignListenerThatAlsoSharesItsPort_StillMakesTheAddressInUse()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next());
        using var foreign = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        foreign.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
        foreign.Bind(endpoint);
        foreign.Listen();

        var refused = Assert.Throws<SocketException>(() => SharedListenSockets.Exclusive.CreateBound(endpoint));

        Assert.Equal(SocketError.AddressAlreadyInUse, refused.SocketErrorCode);
    }

    [Fact]
    public void WhileTakingOver_ASecondHostBindsBesideTheFirst_AndGetsTheConnectionsQueuedOnItWhenItCloses()
    {
        Assert.Null(TcpMigrateRequests.TryEnable());
        var endpoint = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Next());
        var old = SharedListenSockets.Exclusive.CreateBound(endpoint);
        old.Listen();
        using var joining = new SharedListenSockets(() => true).CreateBound(endpoint);
        joining.Listen();

        // Connections the kernel queued on the old listener, never accepted there.
        var clients = Enumerable.Range(0, 20).Select(_ => Connect(endpoint)).ToList();
        old.Dispose();

        // Every one of them is accepted by the new listener and still works both ways.
        foreach (var client in clients)
        {
            using var accepted = joining.Accept();
            accepted.Send([42]);
        }

        foreach (var client in clients)
        {
            var buffer = new byte[1];
            Assert.Equal(1, client.Receive(buffer));
            client.Dispose();
        }
    }

    private static Socket Connect(IPEndPoint endpoint)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000 };
        client.Connect(endpoint);
        return client;
    }
}
