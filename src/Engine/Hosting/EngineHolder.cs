namespace Cutover.Engine.Hosting;

/// <summary>The process that runs a database's engine, as it wrote itself down beside the lock.</summary>
public sealed record EngineHolder(int ProcessId, DateTimeOffset Since, string AdminUrl);
