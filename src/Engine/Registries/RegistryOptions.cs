namespace Cutover.Engine.Registries;

/// <summary>Credentials for private registries, bound from <c>Cutover:Registries:N</c>; they win over the Docker config file.</summary>
public sealed class RegistryOptions
{
    /// <summary>The section the list lives in (the list itself is <c>Cutover:Registries</c>).</summary>
    public const string SectionName = "Cutover";

    public const string ListKey = "Cutover:Registries";

    public List<RegistryLoginOptions> Registries { get; set; } = [];
}

/// <summary>One registry's login: <c>Cutover:Registries:N:Server</c>, <c>:Username</c>, <c>:Password</c>.</summary>
public sealed class RegistryLoginOptions
{
    /// <summary>The registry host as image names spell it (<c>registry.example.com</c>, <c>127.0.0.1:5000</c>, <c>docker.io</c>); a scheme or path is ignored.</summary>
    public string? Server { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    // Never printed: options objects end up in debugger views and exception messages.
    public override string ToString() => $"{Server} (user {Username})";
}
