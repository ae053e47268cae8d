using Cutover.Engine;
using Cutover.Web.Access;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

public sealed class ApiAccessOptionsValidatorTests
{
    private const string GoodToken = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("not a url", false)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://127.0.0.1:5080; http://[::1]:5081", true)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://loopback:5080", false)]
    [InlineData("http://127.0.0.1:5080/;http://0.0.0.0:5081", false)]
    public void IsLoopback_OnlyForAddressesThatStayOnThisMachine(string url, bool loopback) =>
        Assert.Equal(loopback, ApiAccessOptionsValidator.IsLoopback(url));

    [Fact]
    public void Validate_LoopbackWithoutTokens_Succeeds() =>
        Assert.True(Validate("http://127.0.0.1:5080").Succeeded);

    [Fact]
    public void Validate_ExposedWithoutTokens_FailsAndSaysWhatToDo()
    {
        var result = Validate("http://0.0.0.0:5080");

        Assert.True(result.Failed);
        Assert.Contains("configure at least one token, or bind the admin URL to 127.0.0.1", result.FailureMessage);
    }

    [Fact]
    public void Validate_ExposedWithAGoodToken_Succeeds() =>
        Assert.True(Validate("http://0.0.0.0:5080", new ApiToken { Name = "ci", Token = GoodToken }).Succeeded);

    [Fact]
    public void Validate_ShortUnnamedAndDuplicateTokens_AreEachReported()
    {
        var result = Validate(
            "http://127.0.0.1:5080",
            new ApiToken { Name = "ci", Token = "short" },
            new ApiToken { Name = "", Token = GoodToken },
            new ApiToken { Name = "ci", Token = GoodToken });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Cutover:Api:Tokens:0:Token is shorter than 24", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Cutover:Api:Tokens:1:Name is empty", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Cutover:Api:Tokens:2:Name 'ci' is used twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AllowedHostsWithASchemeOrPort_AreReported_AndNamesAndAddressesPass()
    {
        var result = new ApiAccessOptionsValidator(Options.Create(new EngineOptions { AdminUrl = "http://127.0.0.1:5080" }))
            .Validate(null, new ApiAccessOptions { AllowedHosts = ["cutover.internal", "10.1.2.3", "http://cutover.internal", "cutover.internal:5080"] });

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Cutover:Api:AllowedHosts:2 'http://cutover.internal' is not a host name", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Cutover:Api:AllowedHosts:3 ", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(string adminUrl, params ApiToken[] tokens) =>
        new ApiAccessOptionsValidator(Options.Create(new EngineOptions { AdminUrl = adminUrl }))
            .Validate(null, new ApiAccessOptions { Tokens = [.. tokens] });
}
