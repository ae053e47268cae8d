using Cutover.Engine.Deployments;

namespace Cutover.Engine.Board;

/// <summary>The dashboard's one line: how many apps are healthy, how many deployments today, how the last week's went.</summary>
/// <param name="DeploymentsToday">Deployments that finished today (in <see cref="TimeProvider.LocalTimeZone"/>) or are under way.</param>
/// <param name="Week">The outcomes and durations of every app's deployments that finished in the last 7 days.</param>
public sealed record BoardSummary(int Healthy, int Total, int DeploymentsToday, DeploymentStats Week)
{
    /// <summary>How far back the success rate and the median duration look.</summary>
    public static readonly TimeSpan WeekSpan = TimeSpan.FromDays(7);

    public static BoardSummary Of(IReadOnlyCollection<LiveApp> apps, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, time.LocalTimeZone);
        var midnight = local - local.TimeOfDay;
        var weekAgo = (now - WeekSpan).UtcDateTime;
        var week = apps.SelectMany(a => a.Finished ?? []).Where(d => d.FinishedAt >= weekAgo).ToArray();
        return new BoardSummary(
            apps.Count(a => a.Status.Health == "healthy"),
            apps.Count,
            week.Count(d => d.FinishedAt >= midnight.UtcDateTime) + apps.Count(a => a.Running is not null),
            DeploymentStats.Of("*", week));
    }
}
