namespace Cutover.Engine.Healing;

/// <summary>One app's self-healing attempts within a sliding window, and whether healing gave up on it.</summary>
internal sealed class HealBudget(int attempts, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _taken = new();

    /// <summary>The serving deployment the budget was last checked against.</summary>
    public long? DeploymentId { get; set; }

    public bool GaveUp { get; set; }

    /// <summary>Takes one attempt; false when the window already holds every attempt allowed.</summary>
    /// <param name="attempt">The attempt's number within the window, from 1.</param>
    public bool TryTake(DateTimeOffset now, out int attempt)
    {
        while (_taken.Count > 0 && now - _taken.Peek() > window)
        {
            _taken.Dequeue();
        }

        if (_taken.Count >= attempts)
        {
            attempt = _taken.Count;
            return false;
        }

        _taken.Enqueue(now);
        attempt = _taken.Count;
        return true;
    }

    /// <summary>No wait before the first attempt, then 1 s, 2 s, 4 s…: a crash loop backs off.</summary>
    public static TimeSpan Backoff(int attempt) => attempt <= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Pow(2, attempt - 2));
}
