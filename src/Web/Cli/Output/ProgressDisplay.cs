using Cutover.Engine.Deployments;
using Cutover.Web.Cli.Events;

namespace Cutover.Web.Cli.Output;

/// <summary>Shows a deployment's events while <c>--wait</c> waits.</summary>
/// <remarks>
/// On a terminal each step change is a line of its own and the busy detail (pull bytes, health checks, drain
/// counts) redraws one line beneath it, while the release command's output lines stay; anywhere else (a pipe, a CI
/// log) every event is one line.
/// </remarks>
public sealed class ProgressDisplay(TextWriter writer, bool interactive)
{
    // Carriage return, then "erase to end of line": the only terminal control used.
    private const string ClearLine = "\r\u001b[K";

    private DeploymentStatus? _shownStatus;
    private int _shownSteps;
    private bool _transientShown;

    public void Show(LiveEvent liveEvent)
    {
        if (liveEvent is DeploymentEvent { Deployment: var deployment })
        {
            // A new step of the same status (the next canary weight) is a line of its own too.
            var steps = deployment.Steps?.Count ?? 0;
            if (deployment.Status == _shownStatus && steps <= _shownSteps)
            {
                return;
            }

            _shownStatus = deployment.Status;
            _shownSteps = steps;
            WriteLine(EventLine.Deployment(deployment));
            return;
        }

        if (liveEvent is ReleaseEvent)
        {
            // The release command's output is read, not watched: each line stays, also on a terminal.
            WriteLine("  " + EventLine.For(liveEvent));
            return;
        }

        if (liveEvent is AnalysisEvent)
        {
            // Each verdict is kept on screen: it is what a person promotes or aborts on.
            WriteLine(EventLine.For(liveEvent));
            return;
        }

        if (!interactive)
        {
            writer.WriteLine(EventLine.For(liveEvent));
            return;
        }

        writer.Write(ClearLine + "  " + EventLine.For(liveEvent));
        writer.Flush();
        _transientShown = true;
    }

    /// <summary>Removes the redrawn line, so what follows starts on a clean one.</summary>
    public void Finish()
    {
        if (_transientShown)
        {
            writer.Write(ClearLine);
            writer.Flush();
            _transientShown = false;
        }
    }

    private void WriteLine(string line)
    {
        Finish();
        writer.WriteLine(line);
        writer.Flush();
    }
}
