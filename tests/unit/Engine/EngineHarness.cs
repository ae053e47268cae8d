using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Health;
using Cutover.Engine.Hosting;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Engine.Traffic;
using Cutover.Tests.Unit.Engine.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cutover.Tests.Unit.Engine;

/// <summary>
/// The real engine services over a real SQLite file, with fake Docker, proxy and probe, and a fake clock
/// that a pump moves on quickly while a test waits.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public const string AppsYaml = """
        apps:
          shop:
            image: demo:v1
            listen: 127.0.0.1:28080
            slots: { blue: 28081, green: 28082 }
            health: { path: /health, interval: 1s, timeout: 1s, healthy_after: 2, deadline: 10s }
            drain: { timeout: 5s, websocket_timeout: 2s }
          blog:
            image: demo:v1
            pull: never
            listen: 127.0.0.1:28090
            slots: { blue: 28091, green: 28092 }
            health: { interval: 1s, healthy_after: 1, deadline: 5s }
        """;

    private readonly string _folder;
    private readonly CancellationTokenSource _pump = new();
    private readonly Task _pumping;

    private EngineHarness(string folder, ServiceProvider services)
    {
        _folder = folder;
        Services = services;
        _pumping = PumpClockAsync();
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

    public FakeContainerRuntime Runtime => (FakeContainerRuntime)Services.GetRequiredService<IContainerRuntime>();

    public FakeTrafficSwitch Traffic => (FakeTrafficSwitch)Services.GetRequiredService<ITrafficSwitch>();

    public ScriptedHealthProbe Probe => (ScriptedHealthProbe)Services.GetRequiredService<IHealthProbe>();

    public DeploymentCoordinator Coordinator => Services.GetRequiredService<DeploymentCoordinator>();

    public DeploymentStore Deployments => Services.GetRequiredService<DeploymentStore>();

    public AppStateStore State => Services.GetRequiredService<AppStateStore>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <param name="configure">Changes to the services after the engine's own, e.g. a logger provider that captures what is logged or a database interceptor.</param>
    public static async Task<EngineHarness> StartAsync(string? appsYaml = null, string? folder = null, Action<IServiceCollection>? configure = null)
    {
        folder ??= Directory.CreateTempSubdirectory("cutover-engine-").FullName;
        var appsFile = Path.Combine(folder, "apps.yaml");
        await File.WriteAllTextAsync(appsFile, appsYaml ?? AppsYaml);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cutover:AppsFile"] = appsFile,
            ["Cutover:Database"] = Path.Combine(folder, "cutover.db"),
        }).Build();

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var collection = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<IConfiguration>(configuration)
            .AddCutoverEngine()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IContainerRuntime, FakeContainerRuntime>()
            .AddSingleton<FakeTrafficSwitch>()
            .AddSingleton<ITrafficSwitch>(sp => sp.GetRequiredService<FakeTrafficSwitch>())
            .AddSingleton<ITrafficWatch>(sp => sp.GetRequiredService<FakeTrafficSwitch>())
            .AddSingleton<IHealthProbe>(new ScriptedHealthProbe(time));
        configure?.Invoke(collection);
        var services = collection.BuildServiceProvider();

        // As the engine's start does: the lock first (the health monitor waits for it), then the database.
        services.GetRequiredService<Cutover.Engine.Hosting.EngineLease>().TryAcquire();
        await services.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        services.GetRequiredService<AppsConfigMonitor>().LoadInitial();
        // As the engine does once reconciled: from here on the console and the API take changes.
        services.GetRequiredService<EngineReadiness>().MarkReconciled();
        return new EngineHarness(folder, services);
    }

    /// <summary>Waits (in real time, bounded) for a deployment to reach a terminal status.</summary>
    public async Task<DeploymentView> WaitForEndAsync(long id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var view = await Deployments.GetAsync(id, CancellationToken.None);
            if (view!.Status.IsTerminal() && Coordinator.RunningFor(view.App) is null)
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"deployment {id} still {view.Status} after 20 s");
            await Task.Delay(5);
        }
    }

    public async Task<DeploymentView> RequestAsync(string app, string? image = null, DeploymentKind kind = DeploymentKind.Deploy) =>
        (await Coordinator.RequestAsync(new DeploymentRequest(app, image, kind, "test", "unit test"), CancellationToken.None)).AcceptedDeployment();

    /// <summary>Asks for a deployment that must be refused; returns why.</summary>
    public async Task<Refusal> RefusedAsync(string app, string? image = null, DeploymentKind kind = DeploymentKind.Deploy) =>
        Assert.IsType<Admission.Refused>(await Coordinator.RequestAsync(new DeploymentRequest(app, image, kind, "test", "unit test"), CancellationToken.None)).Refusal;

    public async Task<DeploymentView> DeployAsync(string app, string? image = null, DeploymentKind kind = DeploymentKind.Deploy) =>
        await WaitForEndAsync((await RequestAsync(app, image, kind)).Id);

    public async ValueTask DisposeAsync()
    {
        await _pump.CancelAsync();
        await _pumping;
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Moves fake time 50 ms for every real millisecond, so health intervals and deadlines pass quickly.</summary>
    private async Task PumpClockAsync()
    {
        while (!_pump.IsCancellationRequested)
        {
            Time.Advance(TimeSpan.FromMilliseconds(50));
            try
            {
                await Task.Delay(1, _pump.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
