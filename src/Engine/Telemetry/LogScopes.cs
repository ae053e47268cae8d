using System.Collections;
using System.Globalization;

namespace Cutover.Engine.Telemetry;

/// <summary>The log scopes that name what a log line is about; the JSON console formatter writes them as fields.</summary>
/// <remarks>Lower-case keys, the same as the metrics' labels, so a log line and a series are joined on <c>app</c>.</remarks>
public static class LogScopes
{
    public static LogScope App(string app) => new([new("app", app)]);

    public static LogScope Deployment(string app, long deploymentId) => new([new("app", app), new("deployment", deploymentId)]);
}

/// <summary>Named values of a log scope: fields for structured formatters, <c>app=shop deployment=12</c> for the simple one.</summary>
public sealed class LogScope(IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Count;

    public KeyValuePair<string, object?> this[int index] => values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        string.Join(' ', values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value}")));
}
