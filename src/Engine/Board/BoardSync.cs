using Cutover.Engine.Events;

namespace Cutover.Engine.Board;

/// <summary>A marker the board publishes to itself: once it comes out of the stream, every event before it is on the board.</summary>
/// <remarks>Other subscribers see an event they do not know and pass it by, as they do with any other.</remarks>
internal sealed record BoardSync(DateTimeOffset At) : EngineEvent(At)
{
    public TaskCompletionSource Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A marker the board publishes to itself once the engine has reconciled with Docker: every app is read again then.</summary>
/// <remarks>Reconciliation corrects containers without an event per change; a board started before it would keep what it first read.</remarks>
internal sealed record BoardReload(DateTimeOffset At) : EngineEvent(At);
