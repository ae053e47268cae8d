using Cutover.Engine;
using Cutover.Engine.Analysis;
using Cutover.Engine.Audit;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Events;
using Cutover.Engine.Healing;
using Cutover.Engine.Health;
using Cutover.Engine.Hosting;
using Cutover.Engine.Images;
using Cutover.Engine.Instances;
using Cutover.Engine.Persistence;
using Cutover.Engine.Registries;
using Cutover.Engine.Runtime;
using Cutover.Engine.Secrets;
using Cutover.Engine.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Cutover's engine. The host supplies the <see cref="Cutover.Engine.Traffic.ITrafficSwitch"/> and the <see cref="Cutover.Engine.Traffic.ITrafficWatch"/>.</summary>
public static class EngineServiceCollectionExtensions
{
    public static IServiceCollection AddCutoverEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>()
            .BindConfiguration(EngineOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<DockerOptions>()
            .Configure<IOptions<EngineOptions>>((docker, engine) => docker.Endpoint = engine.Value.Docker);
        services.AddOptions<RegistryOptions>()
            .BindConfiguration(RegistryOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        services.AddSingleton(sp => new RegistryCredentials(
            sp.GetRequiredService<IOptions<RegistryOptions>>(), sp.GetRequiredService<ILogger<RegistryCredentials>>()));

        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContextFactory<CutoverDbContext>((sp, db) =>
            db.UseSqlite(
                $"Data Source={Path.GetFullPath(sp.GetRequiredService<IOptions<EngineOptions>>().Value.Database)}",
                // A deployment's steps and analysis results are two collections: one query each, not their product.
                sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));

        // The host supplies IMeterFactory (AddMetrics; WebApplication does it): instruments exist whether or not anything exports them.
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<ActiveSlotGauge>();
        services.AddSingleton<EngineEventStream>();
        services.AddSingleton<AppsConfigMonitor>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<InstanceStore>();
        services.AddSingleton<DeploymentStore>();
        services.AddSingleton<AppStateStore>();
        services.AddSingleton<HealthStore>();
        services.AddSingleton<SecretRedactor>();
        services.AddSingleton<AuditChainBackfill>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditReader>();
        services.AddSingleton<AuditChainVerifier>();
        services.AddSingleton<Cutover.Engine.Backup.OnlineBackup>();
        services.AddSingleton<AuditFeed>();
        services.AddSingleton<DeploymentFeed>();

        services.AddSingleton<HealthBoard>();
        services.AddSingleton<HealthRecorder>();
        services.AddSingleton<HealthGate>();
        services.AddSingleton<ISlotAnalysis, SlotAnalysis>();
        services.TryAddSingleton<IHealthProbe, HttpHealthProbe>();
        services.TryAddSingleton<IContainerRuntime, DockerContainerRuntime>();
        services.AddSingleton<ContainerOutput>();

        services.AddSingleton<PulledImageStore>();
        services.AddSingleton<MaintenanceStore>();
        services.AddSingleton<Cutover.Engine.Maintenance.AppMaintenance>();
        services.AddSingleton<ImageRetention>();
        services.AddSingleton<Cutover.Engine.ReleaseCommands.ReleaseOutputs>();
        services.AddSingleton<Cutover.Engine.ReleaseCommands.ReleaseCommand>();
        services.AddSingleton<Cutover.Engine.Deployments.Rollout.PreviewListener>();
        services.AddSingleton<Cutover.Engine.Deployments.Rollout.PromotionGate>();
        services.AddSingleton<Cutover.Engine.Deployments.Rollout.BlueGreenStrategy>();
        services.AddSingleton<Cutover.Engine.Deployments.Rollout.CanaryStrategy>();
        services.AddSingleton<Cutover.Engine.Deployments.Rollout.WatchWindow>();
        services.AddSingleton<Cutover.Engine.Deployments.Rollout.SlotAnalyses>();
        services.AddSingleton<DeploymentRunner>();
        services.AddSingleton<RollbackTargets>();
        services.AddSingleton<DeploymentCoordinator>();
        services.AddSingleton<DesiredState>();
        services.AddSingleton<ConfigDeployments>();
        services.AddSingleton<Recovery>();
        services.AddSingleton<ConfigApplier>();
        services.AddSingleton<Cutover.Engine.Status.AppStatusReader>();
        services.AddSingleton<Cutover.Engine.Board.AppBoard>();
        services.AddSingleton<DockerLiveRestore>();
        services.AddSingleton<EngineReadiness>();
        services.AddSingleton<EngineLease>();
        services.AddSingleton<EngineService>();
        // Before the engine's start, so that the notifier subscribes before the first deployment's events.
        services.AddCutoverNotifications();
        services.AddHostedService(sp => sp.GetRequiredService<EngineService>());
        services.AddHostedService<ActiveHealthMonitor>();
        services.AddSingleton<SelfHealer>();
        services.AddHostedService<ContainerWatch>();
        services.AddHostedService<DockerLiveRestoreRefresh>();
        return services;
    }
}
