namespace Cutover.Engine.Audit;

/// <summary>Which audit entries to read; every criterion is optional and they all must hold.</summary>
/// <param name="From">Entries at or after this time.</param>
/// <param name="To">Entries before this time.</param>
/// <param name="App">Entries about this application.</param>
/// <param name="Actor">Entries by this actor, e.g. <c>api:local</c>.</param>
/// <param name="Action">Entries of this action, e.g. <c>deployment.completed</c>.</param>
public sealed record AuditFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? App = null,
    string? Actor = null,
    string? Action = null)
{
    public static AuditFilter All { get; } = new();

    /// <summary>Whether an entry passes the filter, for entries that arrive live (the database applies it to stored ones).</summary>
    public bool Matches(AuditEntryView entry) =>
        (From is null || entry.At >= From)
        && (To is null || entry.At < To)
        && (App is null || entry.App == App)
        && (Actor is null || entry.Actor == Actor)
        && (Action is null || entry.Action == Action);
}
