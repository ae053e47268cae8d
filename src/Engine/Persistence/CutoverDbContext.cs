using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Cutover's SQLite database: app state, containers, deployments, health checks and the audit trail.</summary>
public sealed class CutoverDbContext(DbContextOptions<CutoverDbContext> options) : DbContext(options)
{
    public DbSet<AppState> Apps => Set<AppState>();

    public DbSet<ContainerRecord> Containers => Set<ContainerRecord>();

    public DbSet<DeploymentRecord> Deployments => Set<DeploymentRecord>();

    public DbSet<DeploymentStep> DeploymentSteps => Set<DeploymentStep>();

    public DbSet<DeploymentAnalysis> DeploymentAnalyses => Set<DeploymentAnalysis>();

    public DbSet<HealthCheckRecord> HealthChecks => Set<HealthCheckRecord>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<AuditHead> AuditHead => Set<AuditHead>();

    public DbSet<HostInstance> HostInstance => Set<HostInstance>();

    public DbSet<PulledImage> PulledImages => Set<PulledImage>();

    public DbSet<ReleaseOutputRecord> ReleaseOutputs => Set<ReleaseOutputRecord>();
    public DbSet<MaintenanceRecord> Maintenance => Set<MaintenanceRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CutoverDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type: store UTC ticks so that ordering and range filters run in SQL.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcTicksConverter>();
    }
}
