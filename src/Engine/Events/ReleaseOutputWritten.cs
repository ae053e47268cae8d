namespace Cutover.Engine.Events;

/// <summary>A deployment's release command printed a line (secrets masked).</summary>
/// <param name="Index">The line's number in the whole output, from 0: a reader that took a snapshot skips what it already has.</param>
public sealed record ReleaseOutputWritten(DateTimeOffset At, string App, long DeploymentId, long Index, string Line) : EngineEvent(At);
