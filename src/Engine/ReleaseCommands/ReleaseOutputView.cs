namespace Cutover.Engine.ReleaseCommands;

/// <summary>A deployment's release output as the API and the console show it.</summary>
/// <param name="FirstLine">The number (from 0) of the first line shown: this many earlier lines were not kept.</param>
/// <param name="Running">The command still runs: more lines may follow (as <see cref="Events.ReleaseOutputWritten"/> events).</param>
/// <param name="ExitCode">How it exited; null while it runs, or when it never exited by itself (timed out, cancelled).</param>
public sealed record ReleaseOutputView(long DeploymentId, string Command, IReadOnlyList<string> Lines, long FirstLine, bool Running, long? ExitCode)
{
    /// <summary>The number the next line will have: live lines below it are already in <see cref="Lines"/>.</summary>
    public long NextLine => FirstLine + Lines.Count;
}
