using Cutover.Engine.Model;
using Cutover.Engine.Runtime;

namespace Cutover.Web.ConsoleState;

/// <summary>An app page's view of one slot container's output: its tail, and while followed, each line it writes.</summary>
/// <remarks>
/// Following reads Docker's log stream; a chatty container would otherwise re-render the page for every line,
/// so <see cref="Changed"/> fires at most once per <see cref="RenderInterval"/>, carrying every line since.
/// </remarks>
public sealed class ContainerOutputFeed(AppDetails details, TimeProvider time) : IAsyncDisposable
{
    public const int Tail = 200;

    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();
    private CancellationTokenSource? _following;
    private Task _pump = Task.CompletedTask;
    private ITimer? _render;
    private bool _renderPending;

    /// <summary>Raised, possibly on a background thread, when the lines, the problem or the following state change.</summary>
    public event Action? Changed;

    /// <summary>The slot whose output is shown.</summary>
    public Slot? Slot { get; private set; }

    /// <summary>Why there is no (more) output, in a sentence; null while all is well.</summary>
    public string? Problem { get; private set; }

    public bool Following
    {
        get
        {
            lock (_gate)
            {
                return _following is not null;
            }
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Shows the slot's last lines once, ending any following.</summary>
    public async Task ShowTailAsync(string app, Slot slot, CancellationToken cancellationToken)
    {
        await StopAsync();
        var output = await details.LogsAsync(app, slot, Tail, cancellationToken);
        lock (_gate)
        {
            _lines.Clear();
            foreach (var line in output.Lines)
            {
                _lines.Enqueue(line);
            }

            Slot = slot;
            Problem = output.Problem;
        }
    }

    /// <summary>Shows the slot's last lines, then each new line as the container writes it, until <see cref="StopAsync"/>.</summary>
    public async Task FollowAsync(string app, Slot slot)
    {
        await StopAsync();
        var following = new CancellationTokenSource();
        lock (_gate)
        {
            _lines.Clear();
            Slot = slot;
            Problem = null;
            _following = following;
        }

        _pump = PumpAsync(app, slot, following);
    }

    public async Task StopAsync()
    {
        CancellationTokenSource? following;
        lock (_gate)
        {
            following = _following;
            _following = null;
        }

        if (following is not null)
        {
            await following.CancelAsync();
            await _pump;
            following.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Changed = null;
        await StopAsync();
        _render?.Dispose();
    }

    private async Task PumpAsync(string app, Slot slot, CancellationTokenSource following)
    {
        // Off the caller's synchronization context: the page must not wait for the stream's first line.
        await Task.Yield();
        string? ended;
        try
        {
            await foreach (var line in details.FollowLogsAsync(app, slot, Tail, following.Token))
            {
                Append(line);
            }

            ended = $"The {slot.Name()} container stopped; its output ends here.";
        }
        catch (OperationCanceledException) when (following.IsCancellationRequested)
        {
            return;
        }
        catch (ContainerRuntimeException ex)
        {
            ended = ex.Message;
        }

        lock (_gate)
        {
            if (_following != following)
            {
                return;
            }

            _following = null;
            Problem = ended;
        }

        Changed?.Invoke();
    }

    private void Append(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Tail)
            {
                _lines.Dequeue();
            }

            if (_renderPending)
            {
                return;
            }

            _renderPending = true;
            _render ??= time.CreateTimer(_ => Render(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _render.Change(RenderInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private void Render()
    {
        lock (_gate)
        {
            _renderPending = false;
        }

        Changed?.Invoke();
    }
}
