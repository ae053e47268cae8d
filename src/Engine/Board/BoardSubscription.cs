namespace Cutover.Engine.Board;

/// <summary>Every application on the board, as of <paramref name="Version"/>.</summary>
public sealed record BoardSnapshot(long Version, IReadOnlyList<LiveApp> Apps);

/// <summary>One application changed (or left apps.yaml: <paramref name="App"/> null) at <paramref name="Version"/>.</summary>
/// <remarks>Versions grow by one per change across the board, so a consumer discards what its snapshot already holds.</remarks>
public sealed record BoardChange(long Version, string Name, LiveApp? App);

/// <summary>The board when subscribing, then every change after it, until the subscriber's token fires.</summary>
public sealed record BoardSubscription(BoardSnapshot Snapshot, IAsyncEnumerable<BoardChange> Changes);
