using Cutover.Engine.Registries;

namespace Cutover.Tests.Unit.Engine.Registries;

public sealed class RegistryHostTests
{
    [Theory]
    [InlineData("shop:1.4", "docker.io")]
    [InlineData("library/shop", "docker.io")]
    [InlineData("acme/shop:2", "docker.io")]
    [InlineData("docker.io/acme/shop:2", "docker.io")]
    [InlineData("index.docker.io/acme/shop", "docker.io")]
    [InlineData("registry.example.com/shop:1", "registry.example.com")]
    [InlineData("Registry.Example.com:5000/team/shop@sha256:abc", "registry.example.com:5000")]
    [InlineData("127.0.0.1:5000/shop", "127.0.0.1:5000")]
    [InlineData("localhost/shop:1", "localhost")]
    public void OfImage_IsTheFirstComponentWhenItIsAHost_ElseDockerHub(string image, string registry)
    {
        Assert.Equal(registry, RegistryHost.OfImage(image));
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    [InlineData("http://127.0.0.1:5000/", "127.0.0.1:5000")]
    [InlineData("REGISTRY.example.com", "registry.example.com")]
    [InlineData("  ", null)]
    [InlineData("https://user@registry.example.com", null)]
    public void Normalize_KeepsOnlyTheLowercaseHostAndPort(string server, string? expected)
    {
        Assert.Equal(expected, RegistryHost.Normalize(server));
    }
}
