using System.Net.Sockets;

namespace Cutover.Tests.E2E.Hosting;

/// <summary>
/// A unix socket that forwards each connection to the Docker Engine, listening only from <see cref="Start"/> on:
/// a Docker that answers late, without touching the daemon other tests share.
/// </summary>
internal sealed class DockerRelay : IAsyncDisposable
{
    private const string DockerSocket = "/var/run/docker.sock";
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private DockerRelay(Socket listener)
    {
        _listener = listener;
        _accepting = AcceptAsync();
    }

    public static DockerRelay Start(string path)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        return new DockerRelay(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                _ = PipeAsync(await _listener.AcceptAsync(_stop.Token));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task PipeAsync(Socket client)
    {
        try
        {
            using var docker = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await docker.ConnectAsync(new UnixDomainSocketEndPoint(DockerSocket), _stop.Token);
            await using var near = new NetworkStream(client, ownsSocket: true);
            await using var far = new NetworkStream(docker, ownsSocket: false);
            // Either side closing ends the exchange; disposing both then closes the other.
            await Task.WhenAny(near.CopyToAsync(far, _stop.Token), far.CopyToAsync(near, _stop.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            client.Dispose();
        }
    }
}
