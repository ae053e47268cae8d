namespace Cutover.Engine.Persistence.Entities;

/// <summary>The id of the Cutover instance that owns this database, made once when the database is created.</summary>
/// <remarks>
/// Every container the instance creates carries it as a label, so that two hosts with different databases on one
/// Docker daemon never list, remove or heal each other's containers.
/// </remarks>
public sealed class HostInstance
{
    /// <summary>The one row's key.</summary>
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public required string InstanceId { get; set; }

    public DateTime CreatedAt { get; set; }
}
