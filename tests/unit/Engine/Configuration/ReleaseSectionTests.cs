using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>apps.yaml's per-app <c>release:</c>: a command (a non-empty list) and a timeout (5m by default, 1s to 6h).</summary>
public sealed class ReleaseSectionTests : IDisposable
{
    private const string Shop = "apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Parse_NoRelease_RunsNone()
    {
        Assert.Null(_folder.Parse(Shop).Apps["shop"].Release);
    }

    [Fact]
    public void Parse_ReleaseCommand_IsReadWithTheDefaultTimeoutOfFiveMinutes()
    {
        var release = _folder.Parse(Shop + "    release:\n      command: [\"bin/migrate\", \"up\"]\n").Apps["shop"].Release;

        Assert.Equal(["bin/migrate", "up"], release!.Command);
        Assert.Equal(TimeSpan.FromMinutes(5), release.Timeout);
    }

    [Fact]
    public void Parse_ReleaseTimeout_IsTheDurationGiven()
    {
        var release = _folder.Parse(Shop + "    release: { command: [sh, -c, \"migrate && seed\"], timeout: 90s }\n").Apps["shop"].Release;

        Assert.Equal(["sh", "-c", "migrate && seed"], release!.Command);
        Assert.Equal(TimeSpan.FromSeconds(90), release.Timeout);
    }

    [Fact]
    public void Parse_SameReleaseTwice_IsEqual_SoAReloadIsNoChange()
    {
        var yaml = Shop + "    release: { command: [bin/migrate], timeout: 2m }\n";

        Assert.Equal(_folder.Parse(yaml).Apps["shop"], _folder.Parse(yaml).Apps["shop"]);
    }

    [Theory]
    [InlineData("release: { command: bin/migrate up }", "apps.shop.release.command", "'bin/migrate up' is a single value; write the command as a list of its words")]
    [InlineData("release: { command: [] }", "apps.shop.release.command", "must name a program to run")]
    [InlineData("release: { command: [bin/migrate, \"\"] }", "apps.shop.release.command[1]", "must not be empty")]
    [InlineData("release: { timeout: 1m }", "apps.shop.release.command", "'command' is required")]
    [InlineData("release: { command: [bin/migrate], timeout: 500ms }", "apps.shop.release.timeout", "must be from 1s to 6h")]
    [InlineData("release: { command: [bin/migrate], timeout: 7h }", "apps.shop.release.timeout", "must be from 1s to 6h")]
    [InlineData("release: { command: [bin/migrate], timeout: soon }", "apps.shop.release.timeout", "'soon' is not a duration")]
    [InlineData("release: { command: [bin/migrate], retries: 3 }", "apps.shop.release.retries", "unknown key 'retries'; expected one of: command, timeout")]
    [InlineData("release: bin/migrate", "apps.shop.release", "must be a mapping with the keys command, timeout")]
    public void Parse_BadRelease_IsRefusedWithTheFieldAndWhy(string line, string field, string message)
    {
        var problem = Assert.Single(_folder.Problems(Shop + "    " + line + "\n"));

        Assert.Equal(field, problem.FieldPath);
        Assert.Contains(message, problem.Message);
        Assert.Equal(6, problem.Line);
    }
}
