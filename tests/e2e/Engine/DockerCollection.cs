namespace Cutover.Tests.E2E.Engine;

/// <summary>Tests that run the real host against the real Docker Engine share one build of the demo images.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DemoImages>
{
    public const string Name = "docker";
}
