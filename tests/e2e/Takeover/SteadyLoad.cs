using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Cutover.Tests.E2E.Takeover;

/// <summary>
/// Requests at a fixed rate through an app's listener until stopped, counting answers, failed answers and
/// connection errors: half the workers keep connections alive (the harder case: the old host closes them),
/// half open a new connection per request (they land on whichever listener the kernel picks).
/// </summary>
public sealed class SteadyLoad : IAsyncDisposable
{
    private readonly HttpClient _keepAlive = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(15) };
    private readonly HttpClient _fresh = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(15) };
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _workers;
    private readonly ConcurrentBag<string> _problems = [];
    private long _ok;
    private long _failed;
    private long _errors;

    /// <param name="limit">The load stops by itself after this, whatever happens.</param>
    public SteadyLoad(Uri url, int workers, TimeSpan interval, TimeSpan limit)
    {
        _stop = new CancellationTokenSource(limit);
        _workers = Enumerable.Range(0, workers).Select(i => Task.Run(() => RunAsync(i % 2 == 0 ? _keepAlive : _fresh, url, interval))).ToArray();
    }

    public long Ok => Interlocked.Read(ref _ok);

    /// <summary>Answers other than 200.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Refused, reset or timed-out connections: no answer at all.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The first few failures and errors, to show in an assertion.</summary>
    public string Problems => string.Join(Environment.NewLine, _problems.Take(10));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _keepAlive.Dispose();
        _fresh.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(HttpClient client, Uri url, TimeSpan interval)
    {
        // A fixed rate (PeriodicTimer skips missed ticks rather than bursting), so a slow moment is not hidden.
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await SendAsync(client, url);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(HttpClient client, Uri url)
    {
        try
        {
            // Not cancelled by the stop: a request that started is counted as whatever it ends as.
            using var response = await client.GetAsync(url);
            await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _ok);
            }
            else
            {
                Interlocked.Increment(ref _failed);
                _problems.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            Interlocked.Increment(ref _errors);
            _problems.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}");
        }
    }
}
