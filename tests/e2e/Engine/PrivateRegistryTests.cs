using Cutover.Tests.E2E.Runtime;

namespace Cutover.Tests.E2E.Engine;

/// <summary>Private images: a host pulls them with the login of <c>Cutover:Registries</c>, and never shows that login's password.</summary>
[Collection(DockerCollection.Name)]
public sealed class PrivateRegistryTests
{
    private const string User = "cutover-e2e";
    private const string Password = "e2e-registry-pass-3Hq";
    private const string WrongPassword = "e2e-wrong-pass-8Tb";

    [Fact]
    public async Task ConfiguredCredentials_DeployThePrivateImage_AndAWrongPasswordFailsClearly_WithoutShowingIt()
    {
        await using var registry = await LocalRegistry.StartAsync(User, Password);
        var image = await registry.PushAsync(DemoImages.V1, $"cutover-private/demo:{Guid.NewGuid().ToString("N")[..8]}");
        var app = AppsYaml.Fresh("e2e-private-registry", image) with { Pull = "always" };
        try
        {
            await using var host = await HostProcess.StartAsync(app.ToString(), Login(registry, Password));

            var first = await host.WaitForAppDeploymentAsync(app.App);

            host.AssertStatus("completed", first);
            await AssertNowhereAsync(host, Password);

            await host.KillAsync();
            await host.StartAsync(Login(registry, WrongPassword));
            var refused = await host.WaitForDeploymentAsync(await host.DeployAsync(app.App, image));

            host.AssertStatus("failed", refused);
            Assert.Contains($"the registry refused the credentials for {registry.Address}", refused.GetProperty("error").GetString());
            await AssertNowhereAsync(host, WrongPassword);
        }
        finally
        {
            await DemoImages.RunAsync("bash", ["-c", $"docker rmi {image} >/dev/null 2>&1 || true"]);
        }
    }

    [Fact]
    public async Task HalfALogin_RefusesToStart_NamingTheKey()
    {
        await using var host = await HostProcess.CreateAsync(AppsYaml.Fresh("e2e-private-half", DemoImages.V1).ToString());

        var exitCode = await host.RunUntilExitAsync(TimeSpan.FromSeconds(30), "--Cutover:Registries:0:Server=registry.example.com", $"--Cutover:Registries:0:Username={User}");

        Assert.Equal(1, exitCode);
        Assert.Contains("Cutover:Registries:0:Password is empty while Cutover:Registries:0:Username is set", host.Output);
    }

    private static string[] Login(LocalRegistry registry, string password) =>
        [$"--Cutover:Registries:0:Server={registry.Address}", $"--Cutover:Registries:0:Username={User}", $"--Cutover:Registries:0:Password={password}"];

    /// <summary>Not in the host's log, its status and config views, the deployments or the audit trail.</summary>
    private static async Task AssertNowhereAsync(HostProcess host, string secret)
    {
        Assert.DoesNotContain(secret, host.Output, StringComparison.Ordinal);
        foreach (var path in new[] { "api/status", "api/config", "api/deployments", "api/audit" })
        {
            using var response = await host.Api.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {body}");
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }
}
