namespace Cutover.Engine.Runtime;

/// <summary>
/// An image name split the way the Engine API's <c>POST /images/create</c> wants it: <c>fromImage</c> is the
/// repository (registry host and port included), <c>tag</c> is the tag or the digest.
/// </summary>
/// <remarks>
/// Mirrors the docker CLI: <c>localhost:5000/shop:1.4.2</c> → (<c>localhost:5000/shop</c>, <c>1.4.2</c>);
/// <c>localhost:5000/shop</c> → (…, <c>latest</c>); <c>shop@sha256:…</c> → (<c>shop</c>, <c>sha256:…</c>);
/// with both a tag and a digest the digest wins, as the engine pins by digest anyway.
/// </remarks>
internal sealed record ImagePullReference(string Repository, string Tag)
{
    public const string DefaultTag = "latest";

    /// <exception cref="ArgumentException">The name is empty or has an empty repository, tag or digest.</exception>
    public static ImagePullReference Parse(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var name = image.Trim();
        if (name.Length == 0)
        {
            throw new ArgumentException("The image name is empty.", nameof(image));
        }

        string? digest = null;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = name[(at + 1)..];
            name = name[..at];
            if (digest.Length == 0 || !digest.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The image name '{image}' has an invalid digest.", nameof(image));
            }
        }

        string? tag = null;
        // A colon after the last slash separates the tag; one before it belongs to a registry host:port.
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (tag.Length == 0)
            {
                throw new ArgumentException($"The image name '{image}' has an empty tag.", nameof(image));
            }
        }

        if (name.Length == 0 || name.EndsWith('/') || name.StartsWith('/'))
        {
            throw new ArgumentException($"The image name '{image}' has no repository.", nameof(image));
        }

        return new ImagePullReference(name, digest ?? tag ?? DefaultTag);
    }
}
