using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Cutover.Engine.Configuration;

/// <summary>The per-app <c>analysis:</c> section: how the new slot's own traffic is judged, interval by interval.</summary>
public static partial class AppsYamlParser
{
    private static readonly string[] AnalysisKeys = ["interval", "min_requests", "max_error_rate", "max_p95"];

    private static readonly TimeSpan MinAnalysisInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxAnalysisInterval = TimeSpan.FromMinutes(10);
    private const int MaxMinRequests = 1_000_000;

    /// <summary>The proxy times requests up to about 134 s (its last latency bucket); a threshold past that could never be judged.</summary>
    private static readonly TimeSpan MaxP95Limit = TimeSpan.FromMinutes(2);

    // A percentage is always written with its sign: a bare 5 or 0.05 could mean either 5% or 0.05%.
    [GeneratedRegex(@"^([0-9]{1,3}(?:\.[0-9]{1,3})?)%\z")]
    private static partial Regex Percentage();

    private sealed partial class Reader
    {
        /// <summary>An <c>analysis:</c> section; the keys it leaves out take <see cref="AnalysisSpec.Default"/>'s values. Null (with problems) when invalid.</summary>
        private AnalysisSpec? ReadAnalysis(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return AnalysisSpec.Default;
            }

            if (Fields(node, path, AnalysisKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            var interval = FieldValue(fields, "interval", path, ReadAnalysisInterval, ref ok);
            var minRequests = FieldValue(fields, "min_requests", path, ReadMinRequests, ref ok);
            var maxErrorRate = FieldValue(fields, "max_error_rate", path, ReadErrorRate, ref ok);
            TimeSpan? maxP95 = null;
            if (fields.TryGetValue("max_p95", out var p95))
            {
                ok &= TryReadMaxP95(p95.Value, $"{path}.max_p95", out maxP95);
            }

            var defaults = AnalysisSpec.Default;
            return ok
                ? new AnalysisSpec(interval ?? defaults.Interval, minRequests ?? defaults.MinRequests, maxErrorRate ?? defaults.MaxErrorRate, maxP95)
                : null;
        }

        private TimeSpan? ReadAnalysisInterval(YamlNode node, string path)
        {
            if (PositiveDuration(node, path) is not { } interval)
            {
                return null;
            }

            if (interval < MinAnalysisInterval || interval > MaxAnalysisInterval)
            {
                Add(node.Start, path, "must be from 1s to 10m (each interval's traffic is judged on its own)");
                return null;
            }

            return interval;
        }

        private int? ReadMinRequests(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxMinRequests)
            {
                return count;
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a count; expected a whole number from 1 to 1000000 (fewer requests in an interval: inconclusive)");
            }

            return null;
        }

        /// <summary>A percentage from 0% to 100%, as a share from 0 to 1.</summary>
        private double? ReadErrorRate(YamlNode node, string path)
        {
            if (Text(node, path) is not { } text)
            {
                return null;
            }

            var match = Percentage().Match(text);
            if (!match.Success)
            {
                var bare = double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);
                Add(node.Start, path, bare
                    ? $"'{text}' has no '%'; write the rate as a percentage, e.g. 5% or 0.5% (a bare number could mean either)"
                    : $"'{text}' is not a percentage; expected a number from 0 to 100 followed by %, e.g. 5% or 0.5%");
                return null;
            }

            var percent = double.Parse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            if (percent > 100)
            {
                Add(node.Start, path, $"'{text}' is more than 100%");
                return null;
            }

            return percent / 100;
        }

        /// <summary><c>none</c> (null: latency is not judged) or a positive duration of at most 2m.</summary>
        private bool TryReadMaxP95(YamlNode node, string path, out TimeSpan? value)
        {
            value = null;
            if (node is YamlScalarNode { Value: "none" })
            {
                return true;
            }

            if (PositiveDuration(node, path) is not { } duration)
            {
                return false;
            }

            if (duration > MaxP95Limit)
            {
                Add(node.Start, path, "must be at most 2m (the proxy times requests up to about 2 minutes); write none not to judge latency");
                return false;
            }

            value = duration;
            return true;
        }
    }
}
