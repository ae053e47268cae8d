using System.Globalization;
using System.Net;
using YamlDotNet.RepresentationModel;

namespace Cutover.Engine.Configuration;

/// <summary>How traffic moves to a new slot: <c>promotion</c>, <c>preview</c>, <c>strategy</c>, <c>canary</c> and <c>watch</c>.</summary>
public static partial class AppsYamlParser
{
    private static readonly string[] PreviewKeys = ["listen"];
    private static readonly string[] CanaryKeys = ["steps", "sticky"];
    private static readonly string[] CanaryStepKeys = ["weight", "pause"];
    private static readonly string[] WatchKeys = ["duration"];

    /// <summary>More steps than this is a slow blue-green switch, not a canary; and each is shown on the console.</summary>
    private const int MaxCanarySteps = 20;

    /// <summary>The longest canary hold or watch: past a day, a person should decide (pause: manual).</summary>
    private static readonly TimeSpan MaxRolloutWait = TimeSpan.FromHours(24);

    /// <summary>The rollout keys of one app, applied to its spec once every other key has been read.</summary>
    private sealed record Rollout(PromotionMode Promotion, PreviewSpec? Preview, DeploymentStrategy Strategy, CanarySpec? Canary, WatchSpec? Watch)
    {
        public AppSpec ApplyTo(AppSpec spec) =>
            spec with { Promotion = Promotion, Preview = Preview, Strategy = Strategy, Canary = Canary, Watch = Watch };
    }

    private sealed partial class Reader
    {
        /// <summary>The app's rollout keys (absent keys: today's blue-green); null (with problems) when any is invalid.</summary>
        private Rollout? ReadRollout(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> fields, string path, string app)
        {
            var ok = true;
            var promotion = FieldValue(fields, "promotion", path, ReadPromotion, ref ok);
            var preview = Field(fields, "preview", path, (node, at) => ReadPreview(node, at, app), ref ok);
            var strategy = FieldValue(fields, "strategy", path, ReadStrategy, ref ok);
            var canary = Field(fields, "canary", path, ReadCanary, ref ok);
            var watch = Field(fields, "watch", path, ReadWatch, ref ok);
            if (!ok)
            {
                return null;
            }

            if (strategy == DeploymentStrategy.Canary && canary is null)
            {
                // No default steps: a hidden few minutes of weighted traffic is a surprise, and Argo's empty steps mean "switch at once".
                var at = fields["strategy"].Value.Start;
                Add(at, $"{path}.canary.steps", "strategy canary needs canary.steps, e.g. steps: [{ weight: 10, pause: 1m }, { weight: 50, pause: manual }]");
                return null;
            }

            if (canary is not null && strategy != DeploymentStrategy.Canary)
            {
                Add(fields["canary"].Key.Start, $"{path}.canary", "is set but strategy is blue_green; add strategy: canary to use these steps, or remove canary");
                return null;
            }

            return new Rollout(promotion ?? PromotionMode.Auto, preview, strategy ?? DeploymentStrategy.BlueGreen, canary, watch);
        }

        private PromotionMode? ReadPromotion(YamlNode node, string path)
        {
            switch (Text(node, path))
            {
                case "auto":
                    return PromotionMode.Auto;
                case "manual":
                    return PromotionMode.Manual;
                case { } other:
                    Add(node.Start, path, $"'{other}' is not a promotion mode; expected auto (healthy means switched) or manual (paused until promoted)");
                    break;
            }

            return null;
        }

        private DeploymentStrategy? ReadStrategy(YamlNode node, string path)
        {
            switch (Text(node, path))
            {
                case "blue_green":
                    return DeploymentStrategy.BlueGreen;
                case "canary":
                    return DeploymentStrategy.Canary;
                case { } other:
                    Add(node.Start, path, $"'{other}' is not a strategy; expected blue_green or canary");
                    break;
            }

            return null;
        }

        private PreviewSpec? ReadPreview(YamlNode node, string path, string app)
        {
            if (Fields(node, path, PreviewKeys) is not { } fields || Required(fields, "listen", node, path) is not { } listen)
            {
                return null;
            }

            var at = $"{path}.listen";
            if (Text(listen.Value, at) is not { } text)
            {
                return null;
            }

            if (ParseListen(text) is not { } endpoint)
            {
                Add(listen.Value.Start, at, $"'{text}' is not a listen address; expected IPv4:PORT or [IPv6]:PORT (e.g. 127.0.0.1:18089) or a bare port 1-65535");
                return null;
            }

            _ports.Add(new PortClaim(endpoint.Port, endpoint.Address, IsListener: true, $"the preview listener of '{app}'", at, listen.Value.Start));
            return new PreviewSpec(endpoint);
        }

        private CanarySpec? ReadCanary(YamlNode node, string path)
        {
            if (Fields(node, path, CanaryKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            var sticky = FieldValue(fields, "sticky", path, ReadBool, ref ok);
            var steps = Required(fields, "steps", node, path) is { } entry ? ReadCanarySteps(entry.Value, $"{path}.steps") : null;
            // Sticky by default: a user who flips between versions on each request sees a broken app, whichever is right.
            return ok && steps is not null ? new CanarySpec(steps, sticky ?? true) : null;
        }

        private List<CanaryStep>? ReadCanarySteps(YamlNode node, string path)
        {
            if (node is not YamlSequenceNode { Children.Count: > 0 } sequence)
            {
                Add(node.Start, path, $"must be a list of {{ weight, pause }}, e.g. [{{ weight: 10, pause: 1m }}, {{ weight: 50, pause: manual }}]; found {Describe(node)}");
                return null;
            }

            if (sequence.Children.Count > MaxCanarySteps)
            {
                Add(node.Start, path, $"lists {sequence.Children.Count} steps; at most {MaxCanarySteps} are allowed");
                return null;
            }

            var steps = new List<CanaryStep>();
            var ok = true;
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var item = sequence.Children[i];
                var at = $"{path}[{i}]";
                if (ReadCanaryStep(item, at) is not { } step)
                {
                    ok = false;
                    continue;
                }

                if (steps.Count > 0 && step.Weight <= steps[^1].Weight)
                {
                    Add(item.Start, $"{at}.weight", $"{step.Weight} does not rise above the step before ({steps[^1].Weight}); each step's weight must be higher than the last");
                    ok = false;
                }

                steps.Add(step);
            }

            return ok ? steps : null;
        }

        private CanaryStep? ReadCanaryStep(YamlNode node, string path)
        {
            if (Fields(node, path, CanaryStepKeys) is not { } fields)
            {
                return null;
            }

            var weight = Required(fields, "weight", node, path) is { } w ? ReadWeight(w.Value, $"{path}.weight") : null;
            var pauseEntry = Required(fields, "pause", node, path);
            var pauseOk = TryReadPause(pauseEntry?.Value, $"{path}.pause", out var pause);
            return weight is { } value && pauseOk ? new CanaryStep(value, pause) : null;
        }

        private int? ReadWeight(YamlNode node, string path)
        {
            var text = Text(node, path)?.TrimEnd('%');
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight is >= 1 and <= 99)
            {
                return weight;
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a canary weight; expected a whole percent from 1 to 99 (100 is the switch that follows the last step)");
            }

            return null;
        }

        /// <summary><c>manual</c> (null: paused until promoted) or a positive duration of at most a day.</summary>
        private bool TryReadPause(YamlNode? node, string path, out TimeSpan? pause)
        {
            pause = null;
            if (node is null)
            {
                return false;
            }

            if (node is YamlScalarNode { Value: "manual" })
            {
                return true;
            }

            if (node is YamlScalarNode { Value: { Length: > 0 } text } && !Duration.TryParse(text, out _))
            {
                Add(node.Start, path, $"'{text}' is neither manual nor a duration; expected manual or {Duration.Expected}");
                return false;
            }

            pause = BoundedWait(node, path);
            return pause is not null;
        }

        private WatchSpec? ReadWatch(YamlNode node, string path)
        {
            if (Fields(node, path, WatchKeys) is not { } fields || Required(fields, "duration", node, path) is not { } duration)
            {
                return null;
            }

            return BoundedWait(duration.Value, $"{path}.duration") is { } value ? new WatchSpec(value) : null;
        }

        private TimeSpan? BoundedWait(YamlNode node, string path)
        {
            if (PositiveDuration(node, path) is not { } value)
            {
                return null;
            }

            if (value > MaxRolloutWait)
            {
                Add(node.Start, path, "must be at most 24h; for longer, pause: manual waits for a person");
                return null;
            }

            return value;
        }
    }
}
