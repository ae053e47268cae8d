using System.Text.Json;
using Cutover.Engine.Events;
using Cutover.Web.Cli.Events;
using Cutover.Web.Cli.Output;
using Cutover.Web.Live;

namespace Cutover.Tests.Unit.Cli;

/// <summary>The release command's output lines on their way from the engine to <c>deploy --wait</c> and <c>watch</c>.</summary>
public sealed class ReleaseEventTests
{
    [Fact]
    public void ReleaseLine_AsTheHostSendsIt_IsReadBackAsAReleaseEvent()
    {
        var message = EventMessage.From(new ReleaseOutputWritten(DateTimeOffset.UnixEpoch, "shop", 12, 3, "migrating 004_orders"))!;
        var json = JsonSerializer.Serialize(message.Payload, JsonSerializerOptions.Web);

        var read = Assert.IsType<ReleaseEvent>(LiveEventReader.Read(message.Name, json));

        Assert.Equal(("release", "shop", 12L), (message.Name, message.App, message.DeploymentId));
        Assert.Equal(("shop", 3L, "migrating 004_orders"), (read.App, read.Index, read.Line));
        Assert.Equal("release | migrating 004_orders", EventLine.For(read));
        Assert.Equal("shop: release | migrating 004_orders", EventLine.For(read, withApp: true));
    }

    [Fact]
    public void ProgressDisplay_OnATerminal_KeepsEachReleaseLine_InsteadOfRedrawingIt()
    {
        var writer = new StringWriter();
        var display = new ProgressDisplay(writer, interactive: true);

        display.Show(new ReleaseEvent("shop", 0, "migrating 001"));
        display.Show(new ReleaseEvent("shop", 1, "migrating 002"));

        Assert.Equal($"  release | migrating 001{Environment.NewLine}  release | migrating 002{Environment.NewLine}", writer.ToString());
    }
}
