using Cutover.Web.Cli;

namespace Cutover.Tests.Unit.Cli;

public sealed class BuildVersionTests
{
    [Fact]
    public void InformationalVersion_WithAFullCommitHash_ReadsAsTheVersionAndTheShortCommit()
    {
        var version = BuildVersion.Parse("0.13.0+0dfb2c2e4e1b0e7d2c1f5a3b4c6d7e8f9a0b1c2d");

        Assert.Equal("cutover 0.13.0 (commit 0dfb2c2)", version.ToString());
    }

    [Fact]
    public void InformationalVersion_OfABuildOutsideGit_ReadsAsTheVersionAlone()
    {
        Assert.Equal("cutover 0.13.0", BuildVersion.Parse("0.13.0").ToString());
    }

    [Fact]
    public void ThisBuild_IsStampedWithTheProjectVersion()
    {
        Assert.Equal("0.13.0", BuildVersion.Current.Version);
    }
}

public sealed class VersionVerbTests
{
    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public async Task VersionOptionAndVerb_PrintTheVersionAndCommit_WithoutAskingAHost(string arg)
    {
        using var api = new FakeApi();

        var run = await CliRun.RunAsync(api, arg);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"{BuildVersion.Current}\n", run.Out);
        Assert.StartsWith("cutover 0.13.0", run.Out);
        Assert.Empty(api.Requests);
    }
}
