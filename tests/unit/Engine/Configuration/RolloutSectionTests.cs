using System.Net;
using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>apps.yaml's <c>promotion</c>, <c>preview</c>, <c>strategy</c>, <c>canary</c> and <c>watch</c>: absent, today's blue-green.</summary>
public sealed class RolloutSectionTests : IDisposable
{
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_NoRolloutKeys_IsTodaysBlueGreen()
    {
        var shop = _folder.Parse(Shop).Apps["shop"];

        Assert.Equal(PromotionMode.Auto, shop.Promotion);
        Assert.Null(shop.Preview);
        Assert.Equal(DeploymentStrategy.BlueGreen, shop.Strategy);
        Assert.Null(shop.Canary);
        Assert.Null(shop.Watch);
    }

    [Fact]
    public void Parse_EveryRolloutKey_IsRead()
    {
        var shop = _folder.Parse(Shop + """
                promotion: manual
                preview: { listen: 127.0.0.1:18089 }
                strategy: canary
                canary:
                  steps:
                    - { weight: 10, pause: 1m }
                    - { weight: 50, pause: manual }
                  sticky: false
                watch: { duration: 5m }

            """).Apps["shop"];

        Assert.Equal(PromotionMode.Manual, shop.Promotion);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 18089), shop.Preview!.Listen);
        Assert.Equal(DeploymentStrategy.Canary, shop.Strategy);
        Assert.Equal(new CanarySpec([new CanaryStep(10, TimeSpan.FromMinutes(1)), new CanaryStep(50, null)], Sticky: false), shop.Canary);
        Assert.Equal(TimeSpan.FromMinutes(5), shop.Watch!.Duration);
    }

    [Fact]
    public void Parse_CanaryWithoutSticky_IsSticky()
    {
        var shop = _folder.Parse(Shop + "    strategy: canary\n    canary: { steps: [{ weight: 20, pause: 30s }] }\n").Apps["shop"];

        Assert.True(shop.Canary!.Sticky);
    }

    [Fact]
    public void Parse_CanaryStrategyWithoutSteps_IsRefusedWithAnExample()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    strategy: canary\n"));

        Assert.Equal("apps.shop.canary.steps", problem.FieldPath);
        Assert.StartsWith("strategy canary needs canary.steps, e.g.", problem.Message);
    }

    [Fact]
    public void Parse_CanaryStepsWithBlueGreen_AreRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    canary: { steps: [{ weight: 20, pause: 30s }] }\n"));

        Assert.Equal("apps.shop.canary", problem.FieldPath);
        Assert.StartsWith("is set but strategy is blue_green; add strategy: canary", problem.Message);
    }

    [Theory]
    [InlineData("[{ weight: 0, pause: 1m }]", "apps.shop.canary.steps[0].weight", "'0' is not a canary weight; expected a whole percent from 1 to 99")]
    [InlineData("[{ weight: 100, pause: 1m }]", "apps.shop.canary.steps[0].weight", "'100' is not a canary weight")]
    [InlineData("[{ weight: 50, pause: 1m }, { weight: 50, pause: 1m }]", "apps.shop.canary.steps[1].weight", "50 does not rise above the step before (50)")]
    [InlineData("[{ weight: 50, pause: 1m }, { weight: 20, pause: 1m }]", "apps.shop.canary.steps[1].weight", "20 does not rise above the step before (50)")]
    [InlineData("[{ weight: 10, pause: soon }]", "apps.shop.canary.steps[0].pause", "'soon' is neither manual nor a duration")]
    [InlineData("[{ weight: 10, pause: 0s }]", "apps.shop.canary.steps[0].pause", "must be longer than zero")]
    [InlineData("[{ weight: 10, pause: 25h }]", "apps.shop.canary.steps[0].pause", "must be at most 24h")]
    [InlineData("[{ weight: 10 }]", "apps.shop.canary.steps[0].pause", "'pause' is required")]
    [InlineData("[{ weight: 10, pause: 1m, hold: 2 }]", "apps.shop.canary.steps[0].hold", "unknown key 'hold'; expected one of: weight, pause")]
    [InlineData("[]", "apps.shop.canary.steps", "must be a list of { weight, pause }")]
    public void Parse_BadCanaryStep_IsRefusedAtItsPath(string steps, string path, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    strategy: canary\n    canary: {{ steps: {steps} }}\n"));

        Assert.Equal(path, problem.FieldPath);
        Assert.StartsWith(message, problem.Message);
    }

    [Theory]
    [InlineData("    promotion: later\n", "apps.shop.promotion", "'later' is not a promotion mode; expected auto")]
    [InlineData("    strategy: rolling\n", "apps.shop.strategy", "'rolling' is not a strategy; expected blue_green or canary")]
    [InlineData("    watch: { duration: 0s }\n", "apps.shop.watch.duration", "must be longer than zero")]
    [InlineData("    watch: {}\n", "apps.shop.watch.duration", "'duration' is required")]
    [InlineData("    preview: { listen: nowhere }\n", "apps.shop.preview.listen", "'nowhere' is not a listen address")]
    public void Parse_BadRolloutKey_IsRefusedAtItsPath(string yaml, string path, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + yaml));

        Assert.Equal(path, problem.FieldPath);
        Assert.StartsWith(message, problem.Message);
    }

    [Fact]
    public void Parse_PreviewOnASlotPort_ClashesLikeAnyListener()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    preview: { listen: 127.0.0.1:18081 }\n"));

        Assert.Equal("apps.shop.preview.listen", problem.FieldPath);
        Assert.Equal("port 18081 of the preview listener of 'shop' is already used by the green slot of 'shop' (apps.shop.slots.green)", problem.Message);
    }

    [Fact]
    public void Parse_PreviewOnTheAppsOwnListener_Clashes()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    preview: { listen: 8080 }\n"));

        Assert.StartsWith("port 8080 of the preview listener of 'shop' is already used by the listener of 'shop'", problem.Message);
    }
}
