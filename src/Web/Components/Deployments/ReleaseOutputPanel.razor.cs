using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.ReleaseCommands;
using Microsoft.AspNetCore.Components;

namespace Cutover.Web.Components.Deployments;

/// <summary>A deployment's release command output: the kept lines, then each new line as the engine publishes it.</summary>
/// <remarks>
/// Subscribes before reading the snapshot, and skips live lines the snapshot already has (by their number), so no
/// line is lost or shown twice. A chatty command re-renders at most once per <see cref="RenderInterval"/>.
/// </remarks>
public sealed partial class ReleaseOutputPanel : ComponentBase, IAsyncDisposable
{
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();
    private CancellationTokenSource? _following;
    private Task _pump = Task.CompletedTask;
    private long? _shownId;
    private DeploymentStatus? _shownStatus;
    private string? _command;
    private long _firstLine;
    private long _nextLine;
    private bool _running;
    private long? _exitCode;
    private bool _renderPending;

    [Inject] private ReleaseOutputs Outputs { get; set; } = null!;

    [Inject] private EngineEventStream Events { get; set; } = null!;

    [Inject] private TimeProvider Time { get; set; } = null!;

    [Parameter, EditorRequired] public DeploymentView Deployment { get; set; } = null!;

    /// <summary>The lines as one text, read under the lock: events append from another thread.</summary>
    private string Shown()
    {
        lock (_gate)
        {
            return string.Join('\n', _lines);
        }
    }

    private string StateText => _running ? "running"
        : _exitCode is { } code ? $"exited with code {code}"
        : "did not finish (timed out, cancelled or interrupted)";

    protected override async Task OnParametersSetAsync()
    {
        // Reloaded when the deployment or its status changes: the end of the command brings its exit code.
        if (Deployment.Id == _shownId && Deployment.Status == _shownStatus)
        {
            return;
        }

        var newDeployment = Deployment.Id != _shownId;
        _shownId = Deployment.Id;
        _shownStatus = Deployment.Status;
        if (newDeployment)
        {
            await StopAsync();
            lock (_gate)
            {
                _lines.Clear();
                _command = null;
                _nextLine = 0;
            }

            if (!Deployment.Status.IsTerminal())
            {
                _following = new CancellationTokenSource();
                var subscription = Events.Subscribe();
                _pump = PumpAsync(subscription, Deployment.Id, _following.Token);
            }
        }

        Apply(await Outputs.GetAsync(Deployment.Id, CancellationToken.None));
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Apply(ReleaseOutputView? output)
    {
        if (output is null)
        {
            return;
        }

        lock (_gate)
        {
            _command = output.Command;
            _running = output.Running;
            _exitCode = output.ExitCode;
            if (output.NextLine >= _nextLine)
            {
                _lines.Clear();
                foreach (var line in output.Lines)
                {
                    _lines.Enqueue(line);
                }

                _firstLine = output.FirstLine;
                _nextLine = output.NextLine;
            }
        }
    }

    private async Task PumpAsync(EngineEventSubscription subscription, long id, CancellationToken cancellationToken)
    {
        // Off the caller's synchronization context: the page must not wait for the first event.
        await Task.Yield();
        using (subscription)
        {
            try
            {
                await foreach (var engineEvent in subscription.ReadAllAsync(cancellationToken))
                {
                    if (engineEvent is ReleaseOutputWritten written && written.DeploymentId == id)
                    {
                        Append(written);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The page moved on.
            }
        }
    }

    private void Append(ReleaseOutputWritten written)
    {
        lock (_gate)
        {
            if (written.Index < _nextLine)
            {
                return;
            }

            _command ??= "…";
            _running = true;
            _lines.Enqueue(written.Line);
            _nextLine = written.Index + 1;
            while (_lines.Count > ReleaseOutputBuffer.MaxLines)
            {
                _lines.Dequeue();
                _firstLine++;
            }

            if (_renderPending)
            {
                return;
            }

            _renderPending = true;
        }

        _ = RenderSoonAsync(_following?.Token ?? new CancellationToken(canceled: true));
    }

    private async Task RenderSoonAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(RenderInterval, Time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            _renderPending = false;
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            await InvokeAsync(StateHasChanged);
        }
    }

    private async Task StopAsync()
    {
        if (_following is { } following)
        {
            _following = null;
            await following.CancelAsync();
            await _pump;
            following.Dispose();
        }
    }
}
