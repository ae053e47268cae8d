using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Cli;

/// <summary>One real host for the CLI tests, serving one demo app that has finished its first deployment.</summary>
/// <remarks>Created after the collection's demo images are built; the tests run one at a time against it.</remarks>
public sealed class CliHost : IAsyncLifetime
{
    private HostProcess? _host;

    public AppsYaml App { get; } = AppsYaml.Fresh("e2e-cli", DemoImages.V1);

    public HostProcess Host => _host ?? throw new InvalidOperationException("the host has not started");

    public string Url => $"http://127.0.0.1:{Host.AdminPort}";

    /// <summary>Runs the CLI against this host.</summary>
    public Task<CliProcess> RunAsync(params string[] args) => CliProcess.RunAsync(Url, args);

    public async Task InitializeAsync()
    {
        _host = await HostProcess.StartAsync(App.ToString());
        _host.AssertStatus("completed", await _host.WaitForAppDeploymentAsync(App.App));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
