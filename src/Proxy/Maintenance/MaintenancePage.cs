namespace Cutover.Proxy.Maintenance;

/// <summary>What an application in maintenance answers every new request with: 503, this message and Retry-After.</summary>
/// <param name="Message">A short text for the page; null: a generic sentence naming the app.</param>
/// <param name="RetryAfterSeconds">Sent as Retry-After; null: no header.</param>
public sealed record MaintenancePage(string? Message, int? RetryAfterSeconds);
