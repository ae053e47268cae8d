namespace Cutover.Engine.Notifications;

/// <summary>One thing worth telling an operator, before it is shaped for a receiver.</summary>
/// <param name="Event">One of <see cref="NotificationEvents"/>.</param>
/// <param name="App">The app concerned; null for host-wide events (a refused apps.yaml).</param>
/// <param name="Title">A short ASCII headline (ntfy's Title header).</param>
/// <param name="Message">One sentence saying what happened, for people (Slack's text, ntfy's body, JSON's <c>message</c>).</param>
/// <param name="Details">More fields for machines, in order (JSON's other properties): strings, numbers, booleans, string lists or null.</param>
public sealed record Notification(
    string Event,
    string? App,
    DateTimeOffset At,
    string Title,
    string Message,
    IReadOnlyList<KeyValuePair<string, object?>> Details);
