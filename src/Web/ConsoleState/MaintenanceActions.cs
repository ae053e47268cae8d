using Cutover.Engine.Deployments;
using Cutover.Engine.Hosting;
using Cutover.Engine.Maintenance;
using Cutover.Web.Api;

namespace Cutover.Web.ConsoleState;

/// <summary>The console's maintenance switch, carried out by the engine under the console user's name, as the API's.</summary>
public sealed class MaintenanceActions(AppMaintenance maintenance, EngineReadiness readiness, ConsoleUser user)
{
    /// <param name="retryAfter">As typed: a duration (<c>5m</c>) or whole seconds; blank for no Retry-After.</param>
    public async Task<ActionOutcome> TurnOnAsync(string app, string? message, string? retryAfter)
    {
        if (Starting() is { } starting)
        {
            return starting;
        }

        if (ValidateRetryAfter(retryAfter) is { } badRetry)
        {
            return ActionOutcome.Refused(badRetry);
        }

        TimeSpan? after = MaintenanceRules.TryParseRetryAfter(retryAfter, out var parsed) ? parsed : null;
        try
        {
            return ActionOutcome.Done((await maintenance.TurnOnAsync(app, message, after, user.RequestedBy, user.Address, CancellationToken.None)).Detail, null);
        }
        catch (MaintenanceRequestException ex)
        {
            return ActionOutcome.Refused(ex.Message);
        }
    }

    public async Task<ActionOutcome> TurnOffAsync(string app)
    {
        if (Starting() is { } starting)
        {
            return starting;
        }

        try
        {
            return ActionOutcome.Done((await maintenance.TurnOffAsync(app, user.RequestedBy, user.Address, CancellationToken.None)).Detail, null);
        }
        catch (MaintenanceRequestException ex)
        {
            return ActionOutcome.Refused(ex.Message);
        }
    }

    /// <summary>Why the typed Retry-After is refused, or null (blank is none); the dialog checks as the operator types.</summary>
    public static string? ValidateRetryAfter(string? retryAfter) =>
        string.IsNullOrWhiteSpace(retryAfter) || MaintenanceRules.TryParseRetryAfter(retryAfter, out _)
            ? null
            : $"Retry-After must be {MaintenanceRules.RetryAfterExpected}.";

    private ActionOutcome? Starting() =>
        readiness.IsReconciled ? null : ActionOutcome.Refused($"{StartupGate.Title}: {StartupGate.Detail(readiness)}");
}
