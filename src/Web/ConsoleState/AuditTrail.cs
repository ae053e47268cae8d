using Cutover.Engine.Audit;
using Cutover.Engine.Board;

namespace Cutover.Web.ConsoleState;

/// <summary>The audit page's data: the newest entries a filter matches and then each new one, and the chain's state.</summary>
public sealed class AuditTrail(AuditFeed feed, AuditChainVerifier verifier)
{
    /// <summary>The newest entries shown in the browser; the export has them all.</summary>
    public const int Shown = 5000;

    /// <summary>The newest entries, then each new one as it is appended, until cancelled; nothing appended in between is lost.</summary>
    public Task<FeedSubscription<AuditEntryView>> SubscribeAsync(AuditFilter filter, CancellationToken cancellationToken) =>
        feed.SubscribeAsync(filter, Shown, cancellationToken);

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken) => verifier.VerifyAsync(cancellationToken);

    /// <summary>The API address that exports the same filter, for the download buttons.</summary>
    public static string ExportUrl(AuditFilter filter, string format)
    {
        var query = new List<string> { $"format={format}" };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("from", filter.From?.ToString("O"));
        Add("to", filter.To?.ToString("O"));
        Add("app", filter.App);
        Add("actor", filter.Actor);
        Add("action", filter.Action);
        return "/api/audit?" + string.Join('&', query);
    }
}
