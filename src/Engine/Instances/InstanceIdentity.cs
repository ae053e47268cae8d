namespace Cutover.Engine.Instances;

/// <summary>This host's instance id (one per database), known once the database is open.</summary>
public sealed class InstanceIdentity
{
    private string? _id;

    /// <summary>The id every container of this instance is labelled with.</summary>
    /// <exception cref="InvalidOperationException">The database has not been opened yet.</exception>
    public string Id => _id ?? throw new InvalidOperationException("The instance id is read from the database at start-up; it is not known yet.");

    public bool IsKnown => _id is not null;

    /// <summary>Set once by the database initializer; a different id later would mean two databases in one process.</summary>
    public void Set(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (Interlocked.CompareExchange(ref _id, id, null) is { } existing && existing != id)
        {
            throw new InvalidOperationException($"This host is already instance {existing}; it cannot become {id}.");
        }
    }
}
