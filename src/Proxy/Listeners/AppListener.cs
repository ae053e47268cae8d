using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cutover.Proxy.Listeners;

/// <summary>One application's public listener: a Kestrel server of its own, started and stopped independently.</summary>
/// <remarks>
/// A server per application (rather than one Kestrel with many endpoints) is what lets an app's listener be
/// added, moved or removed at runtime, and a port already in use fail that app alone.
/// </remarks>
internal sealed class AppListener : IAsyncDisposable
{
    private readonly KestrelServer _server;

    private AppListener(KestrelServer server, IPEndPoint boundTo)
    {
        _server = server;
        BoundTo = boundTo;
    }

    /// <summary>The address actually bound (differs from the requested one when port 0 asked for any port).</summary>
    public IPEndPoint BoundTo { get; }

    /// <exception cref="ListenerBindException">The address cannot be bound (in use, not local, not permitted).</exception>
    public static async Task<AppListener> StartAsync(
        IPEndPoint endpoint,
        RequestDelegate handler,
        IServiceProvider services,
        SharedListenSockets sockets,
        CancellationToken cancellationToken)
    {
        var loggerFactory = (ILoggerFactory?)services.GetService(typeof(ILoggerFactory)) ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var contextFactory = (IHttpContextFactory?)services.GetService(typeof(IHttpContextFactory))
            ?? new DefaultHttpContextFactory(services);

        var options = new KestrelServerOptions
        {
            ApplicationServices = services,
            AddServerHeader = false,
        };
        // A proxy streams bodies of any size; limits on them belong to the backend.
        options.Limits.MaxRequestBodySize = null;
        options.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1);

        var transport = new SocketTransportFactory(
            Options.Create(new SocketTransportOptions { CreateBoundListenSocket = sockets.CreateBound }),
            loggerFactory);
        var server = new KestrelServer(Options.Create(options), transport, loggerFactory);
        try
        {
            await server.StartAsync(new ListenerApplication(handler, contextFactory), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            server.Dispose();
            throw new ListenerBindException(endpoint, ex);
        }

        return new AppListener(server, ReadBoundAddress(server, endpoint));
    }

    /// <summary>Stops accepting, lets open requests finish until <paramref name="cancellationToken"/> fires, then closes them.</summary>
    /// <remarks>
    /// Kestrel closes idle keep-alive connections at once and answers requests still running with
    /// <c>Connection: close</c>; upgraded connections stay until they end or the token fires.
    /// </remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(new CancellationToken(canceled: true));
        _server.Dispose();
    }

    private static IPEndPoint ReadBoundAddress(KestrelServer server, IPEndPoint requested)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri)
            ? new IPEndPoint(requested.Address, uri.Port)
            : requested;
    }
}
