using Cutover.Engine.Audit;
using Cutover.Engine.Events;

namespace Cutover.Web.ConsoleState;

/// <summary>The audit page's data: filtered entries, the chain's state, and new entries as they are appended.</summary>
public sealed class AuditTrail(AuditReader reader, AuditChainVerifier verifier, EngineEventStream events)
{
    /// <summary>The newest entries shown in the browser; the export has them all.</summary>
    public const int Shown = 5000;

    public event Action<AuditEntryView>? Appended;

    public async Task<IReadOnlyList<AuditEntryView>> LoadAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        var newest = new Queue<AuditEntryView>();
        await foreach (var entry in reader.ReadAsync(filter, cancellationToken))
        {
            newest.Enqueue(entry);
            if (newest.Count > Shown)
            {
                newest.Dequeue();
            }
        }

        return newest.Reverse().ToArray();
    }

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken) => verifier.VerifyAsync(cancellationToken);

    /// <summary>Whether an entry passes the filter, for entries that arrive live.</summary>
    public static bool Matches(AuditFilter filter, AuditEntryView entry) =>
        (filter.From is null || entry.At >= filter.From)
        && (filter.To is null || entry.At < filter.To)
        && (filter.App is null || entry.App == filter.App)
        && (filter.Actor is null || entry.Actor == filter.Actor)
        && (filter.Action is null || entry.Action == filter.Action);

    public async Task FollowAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in events.SubscribeAsync(cancellationToken))
            {
                if (e is AuditAppended appended)
                {
                    Appended?.Invoke(appended.Entry);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

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
