namespace Cutover.Engine.Maintenance;

/// <summary>An application in maintenance: what its listener answers (503, the message, Retry-After), since when and at whose request.</summary>
/// <param name="Message">The page's text; null: a generic sentence naming the app.</param>
/// <param name="RetryAfterSeconds">Sent as Retry-After; null: no header.</param>
/// <param name="By">Who turned it on (a token's name, <c>ui:user</c>, <c>local</c>).</param>
public sealed record MaintenanceState(string? Message, int? RetryAfterSeconds, DateTimeOffset Since, string By);
