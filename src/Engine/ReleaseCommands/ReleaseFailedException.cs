namespace Cutover.Engine.ReleaseCommands;

/// <summary>The release command exited non-zero or ran past its timeout; the message (masked) is meant for the operator.</summary>
public sealed class ReleaseFailedException(string message) : Exception(message);
