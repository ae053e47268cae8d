namespace Cutover.Engine.Persistence.Entities;

/// <summary>What a deployment's release command printed (its last lines, secrets masked) and how it ended.</summary>
/// <remarks>A table of its own, so that lists of deployments do not load up to 64 KB of output each.</remarks>
public sealed class ReleaseOutputRecord
{
    public long DeploymentId { get; set; }

    /// <summary>The command as run, its words joined by spaces.</summary>
    public required string Command { get; set; }

    /// <summary>The kept lines, joined by '\n'.</summary>
    public required string Output { get; set; }

    /// <summary>How many earlier lines were not kept (the output is bounded).</summary>
    public long DroppedLines { get; set; }

    /// <summary>The exit code; null when it never exited by itself (timed out, cancelled, or Docker failed).</summary>
    public long? ExitCode { get; set; }

    public DateTime FinishedAt { get; set; }
}
