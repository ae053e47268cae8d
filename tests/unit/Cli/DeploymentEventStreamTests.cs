using System.Text;
using Cutover.Engine.Deployments;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Events;

namespace Cutover.Tests.Unit.Cli;

/// <summary>Reading a deployment's server-sent events into typed events.</summary>
public sealed class DeploymentEventStreamTests
{
    [Fact]
    public async Task Read_GivesEachEventTyped_InOrder_SkippingComments()
    {
        var events = await ReadAsync(Samples.Events(12, "completed"));

        Assert.Collection(
            events,
            e => Assert.Equal(DeploymentStatus.Queued, Assert.IsType<DeploymentEvent>(e).Deployment.Status),
            e => Assert.Equal((1048576L, 4194304L), (Assert.IsType<PullEvent>(e).Current!.Value, ((PullEvent)e).Total!.Value)),
            e => Assert.Equal(DeploymentStatus.HealthChecking, Assert.IsType<DeploymentEvent>(e).Deployment.Status),
            e => Assert.True(Assert.IsType<HealthEvent>(e).Result.Healthy),
            e => Assert.Equal((Slot.Blue, 2L, 1L), (Assert.IsType<DrainEvent>(e).Slot, ((DrainEvent)e).Status.RequestCount, ((DrainEvent)e).Status.SocketCount)),
            e => Assert.True(Assert.IsType<DeploymentEvent>(e).Deployment.IsFinished));
    }

    [Fact]
    public async Task Read_JoinsMultiLineData_AndKeepsTheJsonAsSent()
    {
        var events = await ReadAsync("event: pull\ndata: {\"image\":\"shop:2\",\ndata:  \"status\":\"Pulling fs layer\"}\n\n");

        var pull = Assert.IsType<PullEvent>(Assert.Single(events));
        Assert.Equal("Pulling fs layer", pull.Status);
        Assert.Equal("{\"image\":\"shop:2\",\n \"status\":\"Pulling fs layer\"}", pull.Json);
    }

    [Fact]
    public async Task Read_KeepsUnknownEvents_ByName()
    {
        var events = await ReadAsync("event: gc\ndata: {\"app\":\"shop\",\"freed\":3}\n\ndata: {\"x\":1}\n\n");

        Assert.Equal(["gc", "message"], events.Cast<OtherEvent>().Select(e => e.Name));
        Assert.Equal("shop", LiveEventReader.AppOf(events[0]));
    }

    [Fact]
    public async Task Read_TakesTheDrainCounts_AsTheHostNamesThemToo()
    {
        var events = await ReadAsync("event: drain\ndata: {\"app\":\"shop\",\"slot\":\"blue\",\"status\":{\"requestsLeft\":4,\"socketsLeft\":2,\"requestSecondsLeft\":9.5,\"socketSecondsLeft\":1.25,\"elapsedSeconds\":0.5}}\n\n");

        var drain = Assert.IsType<DrainEvent>(Assert.Single(events));
        Assert.Equal((4L, 2L, 9.5, 1.25), (drain.Status.RequestCount, drain.Status.SocketCount, drain.Status.RequestDeadlineSeconds!.Value, drain.Status.SocketDeadlineSeconds!.Value));
    }

    [Fact]
    public async Task Read_ToleratesCrLfLineEnds()
    {
        var events = await ReadAsync("event: health\r\ndata: {\"slot\":\"blue\",\"result\":{\"at\":\"2026-11-25T10:00:00Z\",\"healthy\":false,\"statusCode\":null,\"latencyMs\":null,\"error\":\"refused\"}}\r\n\r\n");

        Assert.Equal("refused", Assert.IsType<HealthEvent>(Assert.Single(events)).Result.Error);
    }

    private static async Task<List<LiveEvent>> ReadAsync(string sse)
    {
        var list = new List<LiveEvent>();
        await foreach (var e in DeploymentEventStream.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(sse)), CancellationToken.None))
        {
            list.Add(e);
        }

        return list;
    }
}
