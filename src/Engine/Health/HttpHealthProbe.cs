using System.Diagnostics;
using Cutover.Engine.Configuration;

namespace Cutover.Engine.Health;

/// <summary>Health checks over HTTP to a slot port on 127.0.0.1, never to a container's own address.</summary>
public sealed class HttpHealthProbe(TimeProvider time) : IHealthProbe, IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        // A fresh connection each time: a check must see a restarted container, not a pooled socket to the old one.
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<HealthResult> CheckAsync(int port, HealthSpec spec, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(spec.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{spec.Path}");
            request.Headers.UserAgent.ParseAdd("Cutover-HealthCheck/1.0");
            if (spec.Host is { } host)
            {
                // An app that answers only its public name (virtual hosts, Host filtering) is checked under that name.
                request.Headers.Host = host;
            }

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var healthy = spec.Expect.Contains(status);
            return new HealthResult(time.GetUtcNow(), healthy, status, time.GetElapsedTime(started),
                healthy ? null : $"status {status}, expected {spec.Expect}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure(started, $"no answer within {spec.Timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException ex)
        {
            return Failure(started, Describe(ex));
        }
    }

    public void Dispose() => _client.Dispose();

    private HealthResult Failure(long started, string error) =>
        new(time.GetUtcNow(), false, null, time.GetElapsedTime(started), error);

    private static string Describe(HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.ConnectionError => "connection refused",
        HttpRequestError.ResponseEnded => "connection closed before a response",
        _ => ex.InnerException?.Message ?? ex.Message,
    };
}
