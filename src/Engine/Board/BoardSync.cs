using Cutover.Engine.Events;

namespace Cutover.Engine.Board;

/// <summary>A marker the board publishes to itself: once it comes out of the stream, every event before it is on the board.</summary>
/// <remarks>Other subscribers see an event they do not know and pass it by, as they do with any other.</remarks>
internal sealed record BoardSync(DateTimeOffset At) : EngineEvent(At)
{
    public TaskCompletionSource Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
