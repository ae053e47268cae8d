namespace Cutover.Tests.E2E.Engine;

/// <summary>apps.yaml's container.network through a whole host: a network that does not exist fails the deployment, naming it.</summary>
[Collection(DockerCollection.Name)]
public sealed class ContainerNetworkTests
{
    [Fact]
    public async Task Deploy_MissingNetwork_FailsNamingTheNetwork()
    {
        var network = $"cutover-e2e-absent-{Guid.NewGuid().ToString("N")[..8]}";
        var app = AppsYaml.Fresh("e2e-missing-net", DemoImages.V1) with { Container = $"{{ port: 8080, network: {network} }}" };
        await using var host = await HostProcess.StartAsync(app.ToString());

        var deployment = await host.WaitForAppDeploymentAsync(app.App);

        host.AssertStatus("failed", deployment);
        Assert.Equal(
            $"Cannot create cutover-{app.App}-blue: the network '{network}' (container.network) does not exist on this Docker daemon; "
            + $"create it (docker network create {network}) or change container.network.",
            deployment.GetProperty("error").GetString());
    }
}
