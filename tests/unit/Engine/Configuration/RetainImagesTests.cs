using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>apps.yaml's per-app <c>retain_images</c>: 5 by default, a count from 0 to 1000 when given.</summary>
public sealed class RetainImagesTests : IDisposable
{
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_RetainImages_IsFiveByDefault_AndTheCountWhenGiven()
    {
        Assert.Equal(5, _folder.Parse(Shop).Apps["shop"].RetainImages);
        Assert.Equal(2, _folder.Parse(Shop + "    retain_images: 2\n").Apps["shop"].RetainImages);
        Assert.Equal(0, _folder.Parse(Shop + "    retain_images: 0\n").Apps["shop"].RetainImages);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("many")]
    public void Parse_BadRetainImages_IsRefusedAtItsLineAndColumn(string value)
    {
        var problem = Assert.Single(_folder.Problems(Shop + $"    retain_images: {value}\n"));

        Assert.Equal((6, 20, "apps.shop.retain_images"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.StartsWith($"'{value}' is not a count; expected a whole number from 0 to 1000", problem.Message);
    }
}
