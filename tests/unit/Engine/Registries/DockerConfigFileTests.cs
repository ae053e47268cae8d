using System.Text;
using Cutover.Engine.Registries;

namespace Cutover.Tests.Unit.Engine.Registries;

public sealed class DockerConfigFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-dockercfg-").FullName;

    private string File => Path.Combine(_folder, "config.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Read_DecodesAuth_AsUserAndPassword_UnderTheNormalizedHost()
    {
        Write($$"""{ "auths": { "https://index.docker.io/v1/": { "auth": "{{Base64("alice:pa:ss")}}" }, "127.0.0.1:5000": { "auth": "{{Base64("bob:hunter22")}}" } } }""");

        var config = DockerConfigFile.Read(File)!;

        Assert.Equal(("alice", "pa:ss"), (config.Logins["docker.io"].Username, config.Logins["docker.io"].Password));
        Assert.Equal(("bob", "hunter22"), (config.Logins["127.0.0.1:5000"].Username, config.Logins["127.0.0.1:5000"].Password));
        Assert.Equal(File, config.Logins["docker.io"].Source);
    }

    [Fact]
    public void Read_AnIdentityToken_IsPassedInsteadOfThePassword()
    {
        Write($$"""{ "auths": { "registry.example.com": { "auth": "{{Base64("<token>:")}}", "identitytoken": "refresh-token-123" } } }""");

        var login = DockerConfigFile.Read(File)!.Logins["registry.example.com"];

        Assert.Equal("refresh-token-123", login.IdentityToken);
        Assert.Null(login.Password);
        Assert.True(login.HasCredentials);
    }

    [Fact]
    public void Read_CredentialHelpers_AreReportedNotRun_AndAnEntryWithoutSecretsIsSkipped()
    {
        Write("""{ "auths": { "ghcr.io": {} }, "credsStore": "desktop", "credHelpers": { "123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" } }""");

        var config = DockerConfigFile.Read(File)!;

        Assert.Empty(config.Logins);
        Assert.Equal(["credsStore 'desktop'", "credHelpers '123.dkr.ecr.eu-west-1.amazonaws.com'"], config.Helpers);
    }

    [Fact]
    public void Read_AMissingFile_IsNull_AndABrokenOne_SaysWhereWithoutQuotingIt()
    {
        Assert.Null(DockerConfigFile.Read(Path.Combine(_folder, "absent.json")));
        Write("""{ "auths": { "x": { "auth": "c2VjcmV0LXZhbHVl" } """);

        var ex = Assert.Throws<InvalidDataException>(() => DockerConfigFile.Read(File));

        Assert.StartsWith($"{File} is not valid JSON", ex.Message);
        Assert.DoesNotContain("c2VjcmV0LXZhbHVl", ex.Message);
    }

    [Fact]
    public void DefaultPath_IsDockerConfigWhenSet_ElseTheHomeFolder()
    {
        Assert.Equal("/etc/cutover/docker/config.json", DockerConfigFile.DefaultPath(name => name == "DOCKER_CONFIG" ? "/etc/cutover/docker" : null));
        Assert.EndsWith("/.docker/config.json", DockerConfigFile.DefaultPath(_ => null));
    }

    private void Write(string json) => System.IO.File.WriteAllText(File, json);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
