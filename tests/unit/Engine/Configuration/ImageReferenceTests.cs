using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

public sealed class ImageReferenceTests
{
    private const string Hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("nginx")]
    [InlineData("nginx:1.25")]
    [InlineData("localhost:5000/shop:1.4.2")]
    [InlineData("ghcr.io/org/app@sha256:" + Hex64)]
    [InlineData("ghcr.io/org/app:1.0@sha256:" + Hex64)]
    [InlineData("app:20260101-1200-abc1234")]
    [InlineData("my_org/my-app.web:v1")]
    [InlineData("a--b__c.d")]
    [InlineData("localhost/shop")]
    [InlineData("Registry.Example.com:443/team/app:Latest_1")]
    [InlineData("192.168.1.5:5000/app")]
    [InlineData("localhost:5000")]
    public void IsValid_DockerReference_IsAccepted(string reference)
    {
        Assert.True(ImageReference.IsValid(reference, out var error), error);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("Bad Image", "it contains white space")]
    [InlineData("UPPER/case", "repository names must be lowercase")]
    [InlineData("ghcr.io/Org/app", "repository names must be lowercase")]
    [InlineData("x:", "the tag after ':' is empty")]
    [InlineData(":tag", "the repository name is missing")]
    [InlineData("a//b", "the repository name has an empty path component")]
    [InlineData("/app", "the repository name has an empty path component")]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData(null, "it is empty")]
    [InlineData("app:.hidden", "'.hidden' is not a valid tag")]
    [InlineData("app:café", "'café' is not a valid tag")]
    [InlineData("-app", "'-app' is not a valid repository name component")]
    [InlineData("app-", "'app-' is not a valid repository name component")]
    [InlineData("a___b", "'a___b' is not a valid repository name component")]
    [InlineData("a..b", "'a..b' is not a valid repository name component")]
    [InlineData("localhost:/app", "'localhost:' is not a valid registry host")]
    [InlineData("bad_host.io/app", "'bad_host.io' is not a valid registry host")]
    [InlineData("app@sha256:xyz", "the digest must be sha256: followed by 64 lowercase hex digits")]
    [InlineData("app@sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "the digest must be sha256")]
    [InlineData("app@sha512:" + Hex64 + Hex64, "the digest must be sha256")]
    [InlineData("app@", "the digest must be sha256")]
    public void IsValid_Malformed_IsRefusedWithAReason(string? reference, string reason)
    {
        Assert.False(ImageReference.IsValid(reference, out var error));
        Assert.StartsWith(reason, error);
    }

    [Fact]
    public void IsValid_TagOf128Characters_IsTheLongestAccepted()
    {
        Assert.True(ImageReference.IsValid("app:" + new string('a', 128), out _));
        Assert.False(ImageReference.IsValid("app:" + new string('a', 129), out _));
    }

    [Fact]
    public void IsValid_ReferenceLongerThan255Characters_IsRefused()
    {
        var name = new string('a', 200) + "/" + new string('b', 54);

        Assert.True(ImageReference.IsValid(name, out _));
        Assert.False(ImageReference.IsValid(name + "b", out var error));
        Assert.Equal("it is longer than 255 characters", error);
    }
}
