using Cutover.Engine.Registries;

namespace Cutover.Tests.Unit.Engine.Registries;

public sealed class RegistryOptionsValidatorTests
{
    [Fact]
    public void Validate_CompleteLogins_AndAServerAlone_Pass()
    {
        var result = Validate(
            new RegistryLoginOptions { Server = "registry.example.com", Username = "ci", Password = "pw" },
            new RegistryLoginOptions { Server = "127.0.0.1:5000" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EachProblem_NamesItsKey_AndNeverThePassword()
    {
        var result = Validate(
            new RegistryLoginOptions { Username = "ci", Password = "never-shown-1" },
            new RegistryLoginOptions { Server = "registry.example.com", Username = "ci" },
            new RegistryLoginOptions { Server = "registry.example.com", Password = "never-shown-2" },
            new RegistryLoginOptions { Server = "https://index.docker.io/v1/" },
            new RegistryLoginOptions { Server = "docker.io" });

        Assert.Equal(
            [
                "Cutover:Registries:0:Server is empty: name the registry host as image names spell it (e.g. registry.example.com or 127.0.0.1:5000).",
                "Cutover:Registries:1:Password is empty while Cutover:Registries:1:Username is set: give both, or neither.",
                "Cutover:Registries:2:Server 'registry.example.com' is the same registry as Cutover:Registries:1:Server.",
                "Cutover:Registries:2:Username is empty while Cutover:Registries:2:Password is set: give both, or neither.",
                "Cutover:Registries:4:Server 'docker.io' is the same registry as Cutover:Registries:3:Server.",
            ],
            result.Failures);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(params RegistryLoginOptions[] logins) =>
        new RegistryOptionsValidator().Validate(null, new RegistryOptions { Registries = [.. logins] });
}
