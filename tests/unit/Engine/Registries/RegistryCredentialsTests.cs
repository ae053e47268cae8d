using System.Text;
using Cutover.Engine.Registries;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Engine.Registries;

public sealed class RegistryCredentialsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-registries-").FullName;

    private string ConfigFile => Path.Combine(_folder, "config.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void For_TheConfiguredLogin_WinsOverTheDockerConfigFile()
    {
        WriteConfigFile("registry.example.com", "file-user", "file-pass");
        var credentials = Credentials(new RegistryLoginOptions { Server = "https://registry.example.com/", Username = "ci", Password = "configured-pass" });

        var login = credentials.For("registry.example.com/team/shop:1.2")!;

        Assert.Equal(("ci", "configured-pass", "Cutover:Registries:0"), (login.Username, login.Password, login.Source));
    }

    [Fact]
    public void For_ARegistryNotConfigured_FallsBackOnTheDockerConfigFile_DockerHubIncluded()
    {
        WriteConfigFile("https://index.docker.io/v1/", "hub-user", "hub-pass");
        var credentials = Credentials(new RegistryLoginOptions { Server = "registry.example.com", Username = "ci", Password = "configured-pass" });

        var login = credentials.For("acme/shop:3")!;

        Assert.Equal(("docker.io", "hub-user", "hub-pass", ConfigFile), (login.Registry, login.Username, login.Password, login.Source));
        Assert.Null(credentials.For("other.example.com/shop:1"));
    }

    [Fact]
    public void For_AConfiguredServerWithoutLogin_PullsAnonymously_WhateverTheFileSays()
    {
        WriteConfigFile("127.0.0.1:5000", "file-user", "file-pass");
        var credentials = Credentials(new RegistryLoginOptions { Server = "127.0.0.1:5000" });

        var login = credentials.For("127.0.0.1:5000/shop:1")!;

        Assert.False(login.HasCredentials);
    }

    [Fact]
    public void Login_PrintsWithoutItsSecrets_AndScrubsThemFromText()
    {
        var login = new RegistryLogin("registry.example.com", "Cutover:Registries:0", "ci", "configured-pass", null);

        Assert.DoesNotContain("configured-pass", login.ToString());
        Assert.Equal("denied for ci:***", login.Scrub("denied for ci:configured-pass"));
    }

    private RegistryCredentials Credentials(params RegistryLoginOptions[] configured) =>
        new(Options.Create(new RegistryOptions { Registries = [.. configured] }), NullLogger<RegistryCredentials>.Instance, ConfigFile);

    private void WriteConfigFile(string key, string user, string password) =>
        File.WriteAllText(ConfigFile, $$"""{ "auths": { "{{key}}": { "auth": "{{Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))}}" } } }""");
}
