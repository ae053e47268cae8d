namespace Cutover.Engine.Board;

/// <summary>The newest items when subscribing (newest first), then each new or changed one, until the subscriber's token fires.</summary>
/// <param name="Total">How many items the filter matches in all, of which <paramref name="Latest"/> are the newest.</param>
public sealed record FeedSubscription<T>(IReadOnlyList<T> Latest, int Total, IAsyncEnumerable<T> Changes);
