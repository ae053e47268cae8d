namespace Cutover.Engine.Hosting;

/// <summary>Another Cutover runs the engine of this database, and this host was not asked to take over.</summary>
public sealed class EngineLockedException(string database, EngineHolder? holder)
    : Exception(Describe(database, holder))
{
    public EngineHolder? Holder { get; } = holder;

    private static string Describe(string database, EngineHolder? holder)
    {
        var who = holder is null
            ? "another Cutover"
            : $"another Cutover (pid {holder.ProcessId}, since {holder.Since:yyyy-MM-dd HH:mm:ss}Z, admin {holder.AdminUrl})";
        return $"{who} runs on {database}; stop it, or start this one with Cutover:Takeover=true to take over without downtime";
    }
}
