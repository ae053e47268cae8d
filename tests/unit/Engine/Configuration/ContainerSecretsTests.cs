using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary><c>container.secrets</c>: more variable names whose values are masked, checked like env names.</summary>
public sealed class ContainerSecretsTests : IDisposable
{
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_ContainerSecrets_ListsTheNames()
    {
        var container = _folder.Parse(Shop + "    container:\n      env: { LICENSE: abc }\n      secrets: [LICENSE, SIGNUP_CODE]\n").Apps["shop"].Container;

        Assert.Equal(new[] { "LICENSE", "SIGNUP_CODE" }, container.Secrets);
        Assert.False(container.SameAs(container with { Secrets = ["LICENSE"] }));
    }

    [Fact]
    public void Parse_NoContainerSecrets_IsAnEmptyList()
    {
        Assert.Empty(_folder.Parse(Shop).Apps["shop"].Container.Secrets);
    }

    [Fact]
    public void Parse_ContainerSecretsNotNames_AreEachRefusedWithTheirPlace()
    {
        var problems = _folder.Problems(Shop + "    container:\n      secrets: [GOOD, 9BAD, \"has space\"]\n");

        Assert.Equal(2, problems.Count);
        Assert.Equal((7, 23, "apps.shop.container.secrets[1]"), (problems[0].Line, problems[0].Column, problems[0].FieldPath));
        Assert.Equal("'9BAD' is not a valid environment variable name (letters, digits and '_', not starting with a digit)", problems[0].Message);
        Assert.Equal("apps.shop.container.secrets[2]", problems[1].FieldPath);
    }

    [Fact]
    public void Parse_ContainerSecretsNotAList_IsRefused()
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    container:\n      secrets: LICENSE\n"));

        Assert.Equal("apps.shop.container.secrets", problem.FieldPath);
        Assert.StartsWith("must be a list", problem.Message, StringComparison.Ordinal);
    }
}
