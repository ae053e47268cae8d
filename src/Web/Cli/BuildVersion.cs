using System.Reflection;

namespace Cutover.Web.Cli;

/// <summary>The binary's version and the commit it was built from, as stamped at build time.</summary>
/// <remarks>
/// The SDK writes both into AssemblyInformationalVersion as "0.13.0+&lt;commit&gt;": the commit is SourceRevisionId,
/// which Source Link takes from git (scripts/publish.sh passes it explicitly). A build outside git has no commit.
/// </remarks>
public sealed record BuildVersion(string Version, string? Commit)
{
    /// <summary>Full git hashes are shortened to this many digits, as git itself shows them.</summary>
    private const int ShortCommit = 7;

    public static BuildVersion Current { get; } = Parse(
        typeof(BuildVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BuildVersion).Assembly.GetName().Version?.ToString()
        ?? "0.0.0");

    /// <summary>Splits an informational version such as "0.13.0+0dfb2c2e..." into the version and the (short) commit.</summary>
    public static BuildVersion Parse(string informationalVersion)
    {
        var parts = informationalVersion.Split('+', 2);
        if (parts.Length < 2 || parts[1].Length == 0)
        {
            return new BuildVersion(parts[0], null);
        }

        var commit = parts[1];
        var isFullHash = commit.Length == 40 && commit.All(char.IsAsciiHexDigit);
        return new BuildVersion(parts[0], isFullHash ? commit[..ShortCommit] : commit);
    }

    /// <summary>"cutover 0.13.0 (commit 0dfb2c2)", or "cutover 0.13.0" when built outside git.</summary>
    public override string ToString() => Commit is null ? $"cutover {Version}" : $"cutover {Version} (commit {Commit})";
}
