using Cutover.Engine.Analysis;
using Cutover.Engine.Events;
using Cutover.Engine.Model;
using Cutover.Web.Live;

namespace Cutover.Tests.Unit.Web;

/// <summary>An analysis result reaches the hub and a deployment's event stream as an <c>analysis</c> event of that deployment.</summary>
public sealed class AnalysisEventMessageTests
{
    [Fact]
    public void From_AnalysisCompleted_IsAnAnalysisEventOfItsAppAndDeployment()
    {
        var at = new DateTimeOffset(2026, 12, 1, 21, 0, 10, TimeSpan.Zero);
        var result = new AnalysisResult(at.AddSeconds(-10), at, AnalysisOutcome.Failed, 50, 6, 0.12, 140, "error rate 12.0% (6 of 50) > 5%; p95 140 ms ≤ 800 ms");

        var message = EventMessage.From(new AnalysisCompleted(at, "shop", 7, Slot.Green, result));

        Assert.NotNull(message);
        Assert.Equal(("analysis", "shop", 7L), (message.Name, message.App, message.DeploymentId));
        var payload = System.Text.Json.JsonSerializer.SerializeToElement(message.Payload);
        Assert.Equal(result.Summary, payload.GetProperty("Result").GetProperty("Summary").GetString());
        Assert.Equal(Slot.Green, (Slot)payload.GetProperty("Slot").GetInt32());
    }
}
