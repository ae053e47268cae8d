namespace Cutover.Engine.Configuration;

/// <summary>One thing wrong with apps.yaml, located by line and column and by field path.</summary>
/// <param name="Line">1-based; 0 when the problem has no single place (e.g. the file is missing).</param>
/// <param name="FieldPath">Dotted path such as <c>apps.shop.health.interval</c>.</param>
public sealed record ConfigProblem(string File, int Line, int Column, string FieldPath, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}:{Column}: {FieldPath}: {Message}" : $"{File}: {FieldPath}: {Message}";
}

/// <summary>apps.yaml was refused as a whole; <see cref="Problems"/> lists everything wrong with it.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigProblem> problems)
    : Exception($"apps.yaml is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}"
        + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<ConfigProblem> Problems { get; } = problems;
}
