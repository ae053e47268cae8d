namespace Cutover.Engine.Persistence.Entities;

/// <summary>An image Cutover itself pulled for an app: only these are ever removed by image retention.</summary>
/// <remarks>Images loaded by hand (s3dock's <c>docker load</c>) or pulled by anyone else never get a row, so they are never removed.</remarks>
public sealed class PulledImage
{
    public required string App { get; set; }

    /// <summary>The image as the deployment named it (tag or digest).</summary>
    public required string Image { get; set; }

    /// <summary>When it was last pulled; retention keeps the newest.</summary>
    public DateTime PulledAt { get; set; }
}
