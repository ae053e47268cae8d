using Cutover.Engine.Model;
using Cutover.Engine.Runtime;

namespace Cutover.Tests.Unit.Engine.Runtime;

/// <summary>The one reader of a slot container's output, for the API and the console alike.</summary>
public sealed class ContainerOutputTests
{
    [Fact]
    public async Task Locate_WithoutASlot_TakesTheServingOne_AndSaysWhenThereIsNone()
    {
        await using var engine = await EngineHarness.StartAsync();
        var output = engine.Get<ContainerOutput>();
        Assert.IsType<OutputSource.NoActiveSlot>(await output.LocateAsync("shop", null, CancellationToken.None));

        await engine.DeployAsync("shop");

        var serving = Assert.IsType<OutputSource.Container>(await output.LocateAsync("shop", null, CancellationToken.None));
        Assert.Equal((Slot.Blue, engine.Runtime.In("shop", Slot.Blue)!.Id), (serving.Slot, serving.ContainerId));
        Assert.Equal("shop has no green container.", (await output.LocateAsync("shop", Slot.Green, CancellationToken.None)).ToString());
    }

    [Fact]
    public async Task TailAndFollow_GiveTheContainersLines()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.DeployAsync("shop");
        engine.Runtime.LogLines = ["one", "two"];
        var output = engine.Get<ContainerOutput>();
        var serving = (OutputSource.Container)await output.LocateAsync("shop", Slot.Blue, CancellationToken.None);

        Assert.Equal(["one", "two"], await output.TailAsync(serving, 10, CancellationToken.None));
        engine.Runtime.FollowedOutput.Writer.TryWrite("three");
        engine.Runtime.FollowedOutput.Writer.Complete();
        Assert.Contains("three", await output.FollowAsync(serving, 10, CancellationToken.None).ToListAsync());
    }
}
