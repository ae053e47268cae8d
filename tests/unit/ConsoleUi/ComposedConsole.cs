using System.Data.Common;
using Bunit;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;
using Cutover.Engine.Persistence;
using Cutover.Engine.Runtime;
using Cutover.Tests.Unit.Engine;
using Cutover.Tests.Unit.Engine.Fakes;
using Cutover.Web.Composition;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MudBlazor.Services;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>
/// The console composed as the host composes it (<see cref="CutoverHostExtensions.AddCutover"/>), with Docker faked
/// and SQLite a temporary file; the host is built, not started, so nothing but the tests' own actions runs.
/// </summary>
public abstract class ComposedConsoleContext : BunitContext, IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-console-").FullName;
    private WebApplication _host = null!;
    private AsyncServiceScope _circuit;

    /// <summary>A seam in the database: runs a write right after a chosen read, before the reader goes on.</summary>
    private protected WriteAfterRead Gap { get; } = new();

    private protected T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    async Task IAsyncLifetime.InitializeAsync()
    {
        var appsFile = Path.Combine(_folder, "apps.yaml");
        await File.WriteAllTextAsync(appsFile, EngineHarness.AppsYaml);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = _folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cutover:AppsFile"] = appsFile,
            ["Cutover:Database"] = Path.Combine(_folder, "cutover.db"),
        });
        builder.AddCutover();
        builder.Services.AddSingleton<IContainerRuntime, FakeContainerRuntime>();
        builder.Services.ConfigureDbContext<CutoverDbContext>(db => db.AddInterceptors(Gap));
        _host = builder.Build();

        // As the engine's start does, without starting the host's listeners and background services.
        Get<EngineLease>().TryAcquire();
        await Get<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        Get<AppsConfigMonitor>().LoadInitial();
        Get<EngineReadiness>().MarkReconciled();

        // bUnit's own JS runtime for MudBlazor; everything else from the host's container, scoped like a circuit.
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        _circuit = _host.Services.CreateAsyncScope();
        Services.AddFallbackServiceProvider(_circuit.ServiceProvider);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _circuit.DisposeAsync();
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>Runs one write, once, when the connection of the first read whose SQL matches is closed.</summary>
/// <remarks>
/// That is the moment a page that reads first and subscribes after is blind: the read is over, the
/// subscription not yet made. A page that subscribes first sees the write as a change.
/// </remarks>
internal sealed class WriteAfterRead : IDbCommandInterceptor, IDbConnectionInterceptor
{
    private readonly Lock _gate = new();
    private Func<string, bool>? _matches;
    private Func<Task>? _write;
    private DbConnection? _reading;

    /// <summary>Completes once the write is done.</summary>
    public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Arm(Func<string, bool> matches, Func<Task> write)
    {
        lock (_gate)
        {
            (_matches, _write) = (matches, write);
        }
    }

    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Note(command);
        return result;
    }

    public ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Note(command);
        return ValueTask.FromResult(result);
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) =>
        Assert.False(ReferenceEquals(connection, _reading), "The pages read asynchronously; a synchronous close would need a blocking write here.");

    public async Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Func<Task>? write;
        lock (_gate)
        {
            if (!ReferenceEquals(connection, _reading))
            {
                return;
            }

            (write, _write, _reading) = (_write, null, null);
        }

        await write!();
        Written.TrySetResult();
    }

    private void Note(DbCommand command)
    {
        lock (_gate)
        {
            if (_matches is { } matches && matches(command.CommandText))
            {
                (_matches, _reading) = (null, command.Connection);
            }
        }
    }
}
