using System.Collections.Concurrent;
using Cutover.Engine.Events;
using Cutover.Engine.Persistence;
using Cutover.Engine.Persistence.Entities;
using Cutover.Engine.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.ReleaseCommands;

/// <summary>Release commands' output: held live while each runs (and published line by line), stored with its deployment when it ends.</summary>
public sealed class ReleaseOutputs(IDbContextFactory<CutoverDbContext> dbFactory, EngineEventStream events, SecretRedactor redactor, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, LiveReleaseOutput> _live = new();

    /// <summary>Starts collecting the output of <paramref name="deploymentId"/>'s release command.</summary>
    public LiveReleaseOutput Begin(string app, long deploymentId, string command)
    {
        var live = new LiveReleaseOutput(this, app, deploymentId, command);
        _live[deploymentId] = live;
        return live;
    }

    /// <summary>The output of the deployment's release command, live or stored; null when it ran none.</summary>
    public async Task<ReleaseOutputView?> GetAsync(long deploymentId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(deploymentId, out var live))
        {
            return live.Snapshot();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.ReleaseOutputs.AsNoTracking().SingleOrDefaultAsync(r => r.DeploymentId == deploymentId, cancellationToken);
        return stored is null
            ? null
            : new ReleaseOutputView(deploymentId, stored.Command, stored.Output.Length == 0 ? [] : stored.Output.Split('\n'), stored.DroppedLines, Running: false, stored.ExitCode);
    }

    internal string Redact(string line) => redactor.Redact(line);

    internal void Publish(string app, long deploymentId, long index, string line) =>
        events.Publish(new ReleaseOutputWritten(time.GetUtcNow(), app, deploymentId, index, line));

    internal async Task StoreAsync(LiveReleaseOutput live, ReleaseOutputView view, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.ReleaseOutputs.Add(new ReleaseOutputRecord
            {
                DeploymentId = view.DeploymentId,
                Command = view.Command,
                Output = string.Join('\n', view.Lines),
                DroppedLines = view.FirstLine,
                ExitCode = view.ExitCode,
                FinishedAt = time.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            _live.TryRemove(new KeyValuePair<long, LiveReleaseOutput>(view.DeploymentId, live));
        }
    }
}

/// <summary>One running release command's output: each line masked, kept (bounded) and published as it comes.</summary>
public sealed class LiveReleaseOutput
{
    private readonly Lock _gate = new();
    private readonly ReleaseOutputs _owner;
    private readonly ReleaseOutputBuffer _buffer = new();
    private readonly string _app;
    private readonly long _deploymentId;
    private readonly string _command;

    internal LiveReleaseOutput(ReleaseOutputs owner, string app, long deploymentId, string command)
    {
        _owner = owner;
        _app = app;
        _deploymentId = deploymentId;
        _command = command;
    }

    /// <summary>The last line with something on it (masked), for a failure's reason.</summary>
    public string? LastLine
    {
        get
        {
            lock (_gate)
            {
                return _buffer.LastLine;
            }
        }
    }

    public void Write(string line)
    {
        line = _owner.Redact(line);
        long index;
        lock (_gate)
        {
            index = _buffer.Add(line);
        }

        _owner.Publish(_app, _deploymentId, index, line);
    }

    public ReleaseOutputView Snapshot(bool running = true, long? exitCode = null)
    {
        lock (_gate)
        {
            return new ReleaseOutputView(_deploymentId, _command, _buffer.Lines, _buffer.Dropped, running, exitCode);
        }
    }

    /// <summary>Stores the output with the deployment; from then on it is read from SQLite.</summary>
    public Task EndAsync(long? exitCode, CancellationToken cancellationToken) =>
        _owner.StoreAsync(this, Snapshot(running: false, exitCode), cancellationToken);
}
