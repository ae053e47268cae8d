using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Api.Models;

namespace Cutover.Web.Cli.Output;

/// <summary>Deployments as rows, the same in <c>history</c> and <c>status</c>.</summary>
public static class DeploymentTable
{
    public static Table For(IEnumerable<Deployment> deployments, DateTimeOffset? now = null)
    {
        var table = new Table("ID", "APP", "KIND", "IMAGE", "SLOT", "STATUS", "STARTED", "TOOK", "BY", "REASON");
        foreach (var d in deployments)
        {
            table.Add(
                d.Id.ToString(),
                d.App,
                d.Kind.ToString().ToLowerInvariant(),
                d.Image,
                d.Slot?.Name(),
                d.Status.ToSnakeCase(),
                Units.Time(d.StartedAt),
                d.Duration(now ?? DateTimeOffset.UtcNow) is { } took ? Units.Duration(took) : null,
                d.RequestedBy,
                d.Reason);
        }

        return table;
    }
}
