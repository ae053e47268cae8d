using System.Net;

namespace Cutover.Proxy.Listeners;

/// <summary>An application's listen address could not be bound.</summary>
public sealed class ListenerBindException(IPEndPoint endpoint, Exception inner)
    : Exception($"Cannot listen on {endpoint}: {Describe(inner)}", inner)
{
    public IPEndPoint Endpoint { get; } = endpoint;

    private static string Describe(Exception inner)
    {
        for (var e = inner; e is not null; e = e.InnerException)
        {
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return "the address is already in use by another process or application.";
            }
        }

        return inner.InnerException?.Message ?? inner.Message;
    }
}
