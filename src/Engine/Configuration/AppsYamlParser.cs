using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cutover.Engine.Configuration;

/// <summary>Reads apps.yaml into <see cref="AppsConfig"/>, refusing the whole file with every problem found.</summary>
/// <remarks>
/// It walks YamlDotNet's node model rather than deserialising into classes, because every problem must point
/// at the line and column of the key or value at fault, and unknown keys must be refused, not ignored.
/// </remarks>
public static partial class AppsYamlParser
{
    private static readonly string[] AppKeys = ["image", "pull", "listen", "slots", "container", "health", "drain"];
    private static readonly string[] SlotKeys = ["blue", "green"];
    private static readonly string[] ContainerKeys = ["port", "env", "env_file", "volumes", "memory", "cpus", "command"];
    private static readonly string[] HealthKeys = ["path", "expect", "interval", "timeout", "healthy_after", "start_grace", "deadline"];
    private static readonly string[] DrainKeys = ["timeout", "websocket_timeout"];

    /// <exception cref="ConfigException">The file is missing, unreadable or invalid.</exception>
    public static AppsConfig Load(string filePath, IReadOnlySet<int>? reservedPorts = null)
    {
        var path = Path.GetFullPath(filePath);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigProblem(path, 0, 0, "(file)", $"cannot read the file: {ex.Message}")]);
        }

        return Parse(text, path, reservedPorts);
    }

    /// <exception cref="ConfigException">The text is not a valid apps.yaml.</exception>
    public static AppsConfig Parse(string yamlText, string filePath, IReadOnlySet<int>? reservedPorts = null)
    {
        var reader = new Reader(Path.GetFullPath(filePath));
        var config = reader.Read(yamlText, reservedPorts ?? new HashSet<int>());
        if (reader.Problems.Count > 0)
        {
            throw new ConfigException(reader.Problems);
        }

        return config;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")]
    private static partial Regex AppName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex("^([0-9]{3})(?:-([0-9]{3}))?$")]
    private static partial Regex StatusRangePattern();

    [GeneratedRegex("^([0-9]+)([bkmg]?)$", RegexOptions.IgnoreCase)]
    private static partial Regex ByteSize();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex VolumeName();

    /// <summary>One read of one file: the problems found so far, and where in the file they are.</summary>
    private sealed class Reader(string file)
    {
        private readonly List<ConfigProblem> _problems = [];
        private readonly List<PortClaim> _ports = [];

        public IReadOnlyList<ConfigProblem> Problems => _problems;

        public AppsConfig Read(string text, IReadOnlySet<int> reservedPorts)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException ex)
            {
                const string duplicate = "Duplicate key ";
                var message = ex.Message.StartsWith(duplicate, StringComparison.Ordinal)
                    ? $"the key '{ex.Message[duplicate.Length..]}' appears twice in the same mapping"
                    : ex.Message;
                Add(ex.Start, "(yaml)", message);
                return AppsConfig.Empty(file);
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                _problems.Add(new ConfigProblem(file, 1, 1, "(root)", "the file is empty; expected a mapping with 'apps:'"));
                return AppsConfig.Empty(file);
            }

            var apps = new Dictionary<string, AppSpec>(StringComparer.Ordinal);
            if (Fields(stream.Documents[0].RootNode, "(root)", ["apps"]) is not { } root)
            {
                return AppsConfig.Empty(file);
            }

            if (!root.TryGetValue("apps", out var appsNode))
            {
                Add(stream.Documents[0].RootNode.Start, "apps", "is required");
            }
            else if (appsNode.Value is not YamlScalarNode { Value: null or "" })
            {
                if (appsNode.Value is not YamlMappingNode appsMap)
                {
                    Add(appsNode.Value.Start, "apps", "must be a mapping of application names to their settings");
                }
                else
                {
                    foreach (var (key, value) in appsMap.Children)
                    {
                        if (ReadApp(key, value) is { } app)
                        {
                            apps[app.Name] = app;
                        }
                    }
                }
            }

            CheckPortClashes(reservedPorts);
            return new AppsConfig(file, apps);
        }

        private AppSpec? ReadApp(YamlNode keyNode, YamlNode node)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var path = $"apps.{name}";
            if (!AppName().IsMatch(name))
            {
                Add(keyNode.Start, path, "an app name must be 1-40 characters of a-z, 0-9 and '-', not starting or ending with '-'");
            }

            if (Fields(node, path, AppKeys) is not { } fields)
            {
                return null;
            }

            var image = Required(fields, "image", node, path) is { } imageNode ? Text(imageNode, $"{path}.image") : null;
            if (image is not null && !ImageReference.IsValid(image, out var imageError))
            {
                Add(fields["image"].Value.Start, $"{path}.image", $"'{image}' is not a valid image reference: {imageError}");
            }

            var pull = fields.TryGetValue("pull", out var pullNode) ? ReadPull(pullNode.Value, $"{path}.pull") : PullPolicy.Missing;
            var listen = Required(fields, "listen", node, path) is { } listenNode ? ReadListen(listenNode, $"{path}.listen", name) : null;
            var slots = Required(fields, "slots", node, path) is { } slotsNode ? ReadSlots(slotsNode, $"{path}.slots", name) : null;
            var container = fields.TryGetValue("container", out var c) ? ReadContainer(c.Value, $"{path}.container") : ContainerSpec.Default;
            var health = fields.TryGetValue("health", out var h) ? ReadHealth(h.Value, $"{path}.health") : HealthSpec.Default;
            var drain = fields.TryGetValue("drain", out var d) ? ReadDrain(d.Value, $"{path}.drain") : DrainSpec.Default;

            return image is null || listen is null || slots is null || container is null || health is null || drain is null
                ? null
                : new AppSpec(name, image, pull, listen, slots, container, health, drain);
        }

        private PullPolicy ReadPull(YamlNode node, string path)
        {
            switch (Text(node, path))
            {
                case "always":
                    return PullPolicy.Always;
                case "missing":
                    return PullPolicy.Missing;
                case "never":
                    return PullPolicy.Never;
                case { } other:
                    Add(node.Start, path, $"'{other}' is not a pull policy; expected always, missing or never");
                    break;
            }

            return PullPolicy.Missing;
        }

        private IPEndPoint? ReadListen(YamlNode node, string path, string app)
        {
            var text = Text(node, path);
            if (text is null)
            {
                return null;
            }

            IPEndPoint? endpoint = null;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
            {
                endpoint = bare is >= 1 and <= 65535 ? new IPEndPoint(IPAddress.Any, bare) : null;
            }
            else if (IPEndPoint.TryParse(text, out var parsed) && parsed.Port is >= 1 and <= 65535 && text.Contains(':'))
            {
                endpoint = parsed;
            }

            if (endpoint is null)
            {
                Add(node.Start, path, $"'{text}' is not a listen address; expected ADDRESS:PORT (e.g. 0.0.0.0:8080, [::]:8080) or a bare port 1-65535");
                return null;
            }

            _ports.Add(new PortClaim(endpoint.Port, endpoint.Address, $"the listener of '{app}'", path, node.Start));
            return endpoint;
        }

        private SlotPorts? ReadSlots(YamlNode node, string path, string app)
        {
            if (Fields(node, path, SlotKeys) is not { } fields)
            {
                return null;
            }

            var blue = Required(fields, "blue", node, path) is { } b ? Port(b, $"{path}.blue") : null;
            var green = Required(fields, "green", node, path) is { } g ? Port(g, $"{path}.green") : null;
            if (blue is null || green is null)
            {
                return null;
            }

            if (blue == green)
            {
                Add(fields["green"].Value.Start, $"{path}.green", $"the blue and green slots of '{app}' both use port {blue}; each slot needs its own port");
                return null;
            }

            _ports.Add(new PortClaim(blue.Value, IPAddress.Loopback, $"the blue slot of '{app}'", $"{path}.blue", fields["blue"].Value.Start));
            _ports.Add(new PortClaim(green.Value, IPAddress.Loopback, $"the green slot of '{app}'", $"{path}.green", fields["green"].Value.Start));
            return new SlotPorts(blue.Value, green.Value);
        }

        private ContainerSpec? ReadContainer(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return ContainerSpec.Default;
            }

            if (Fields(node, path, ContainerKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            var port = FieldValue(fields, "port", path, Port, ref ok);
            var env = Field(fields, "env", path, ReadEnv, ref ok);
            var envFile = Field(fields, "env_file", path, ReadEnvFile, ref ok);
            var volumes = Field(fields, "volumes", path, ReadVolumes, ref ok);
            var memory = FieldValue(fields, "memory", path, ReadMemory, ref ok);
            var cpus = FieldValue(fields, "cpus", path, ReadCpus, ref ok);
            var command = Field(fields, "command", path, Strings, ref ok);
            var defaults = ContainerSpec.Default;
            return ok
                ? new ContainerSpec(port ?? defaults.Port, env ?? defaults.Env, envFile, volumes ?? defaults.Volumes, memory, cpus, command ?? defaults.Command)
                : null;
        }

        private Dictionary<string, string>? ReadEnv(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                Add(node.Start, path, "must be a mapping of NAME: value");
                return null;
            }

            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            var ok = true;
            foreach (var (key, value) in map.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (!EnvName().IsMatch(name))
                {
                    Add(key.Start, $"{path}.{name}", "is not a valid environment variable name (letters, digits and '_', not starting with a digit)");
                    ok = false;
                }
                else if (value is not YamlScalarNode scalar)
                {
                    Add(value.Start, $"{path}.{name}", "must be a single value, not a list or mapping");
                    ok = false;
                }
                else
                {
                    env[name] = scalar.Value ?? string.Empty;
                }
            }

            return ok ? env : null;
        }

        private string? ReadEnvFile(YamlNode node, string path)
        {
            if (Text(node, path) is not { } relative)
            {
                return null;
            }

            var full = Path.GetFullPath(relative, Path.GetDirectoryName(file)!);
            if (!File.Exists(full))
            {
                Add(node.Start, path, $"'{full}' does not exist");
                return null;
            }

            return full;
        }

        private List<string>? ReadVolumes(YamlNode node, string path)
        {
            if (Strings(node, path) is not { } volumes)
            {
                return null;
            }

            var ok = true;
            var items = ((YamlSequenceNode)node).Children;
            for (var i = 0; i < volumes.Count; i++)
            {
                var parts = volumes[i].Split(':');
                var valid = parts.Length is 2 or 3
                    && (parts[0].StartsWith('/') || VolumeName().IsMatch(parts[0]))
                    && parts[1].StartsWith('/')
                    && (parts.Length == 2 || parts[2] is "ro" or "rw");
                if (!valid)
                {
                    Add(items[i].Start, $"{path}[{i}]", $"'{volumes[i]}' is not a volume; expected /host/path:/container/path or name:/container/path, optionally :ro or :rw");
                    ok = false;
                }
            }

            return ok ? volumes : null;
        }

        private long? ReadMemory(YamlNode node, string path)
        {
            var text = Text(node, path);
            var match = text is null ? Match.Empty : ByteSize().Match(text);
            if (!match.Success || !long.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
            {
                if (text is not null)
                {
                    Add(node.Start, path, $"'{text}' is not a memory size; expected a positive number with an optional b, k, m or g suffix, e.g. 512m");
                }

                return null;
            }

            var shift = match.Groups[2].Value.ToLowerInvariant() switch { "k" => 10, "m" => 20, "g" => 30, _ => 0 };
            return amount << shift;
        }

        private double? ReadCpus(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (text is not null && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) && cpus is > 0 and <= 1024)
            {
                return cpus;
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a CPU count; expected a number above 0, e.g. 0.5 or 2");
            }

            return null;
        }

        private HealthSpec? ReadHealth(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return HealthSpec.Default;
            }

            if (Fields(node, path, HealthKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            var probePath = Field(fields, "path", path, ReadProbePath, ref ok);
            var expect = Field(fields, "expect", path, ReadStatusRange, ref ok);
            var interval = FieldValue(fields, "interval", path, PositiveDuration, ref ok);
            var timeout = FieldValue(fields, "timeout", path, PositiveDuration, ref ok);
            var healthyAfter = FieldValue(fields, "healthy_after", path, ReadHealthyAfter, ref ok);
            var startGrace = FieldValue(fields, "start_grace", path, AnyDuration, ref ok);
            var deadline = FieldValue(fields, "deadline", path, PositiveDuration, ref ok);
            var defaults = HealthSpec.Default;
            return ok
                ? new HealthSpec(
                    probePath ?? defaults.Path,
                    expect ?? defaults.Expect,
                    interval ?? defaults.Interval,
                    timeout ?? defaults.Timeout,
                    healthyAfter ?? defaults.HealthyAfter,
                    startGrace ?? defaults.StartGrace,
                    deadline ?? defaults.Deadline)
                : null;
        }

        private string? ReadProbePath(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (text is not null && !text.StartsWith('/'))
            {
                Add(node.Start, path, $"'{text}' must start with '/'");
                return null;
            }

            return text;
        }

        private int? ReadHealthyAfter(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 100)
            {
                return count;
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a count; expected a whole number from 1 to 100");
            }

            return null;
        }

        private StatusRange? ReadStatusRange(YamlNode node, string path)
        {
            var text = Text(node, path);
            var match = text is null ? Match.Empty : StatusRangePattern().Match(text);
            if (match.Success)
            {
                var min = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                var max = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : min;
                if (min is >= 100 and <= 599 && max is >= 100 and <= 599 && min <= max)
                {
                    return new StatusRange(min, max);
                }
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a status range; expected NNN or NNN-NNN between 100 and 599, e.g. 200-399");
            }

            return null;
        }

        private DrainSpec? ReadDrain(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return DrainSpec.Default;
            }

            if (Fields(node, path, DrainKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            var timeout = FieldValue(fields, "timeout", path, AnyDuration, ref ok);
            var websocketTimeout = FieldValue(fields, "websocket_timeout", path, AnyDuration, ref ok);
            return ok ? new DrainSpec(timeout ?? DrainSpec.Default.Timeout, websocketTimeout ?? DrainSpec.Default.WebSocketTimeout) : null;
        }

        private TimeSpan? PositiveDuration(YamlNode node, string path) => ReadDuration(node, path, allowZero: false);

        private TimeSpan? AnyDuration(YamlNode node, string path) => ReadDuration(node, path, allowZero: true);

        private TimeSpan? ReadDuration(YamlNode node, string path, bool allowZero)
        {
            if (Text(node, path) is not { } text)
            {
                return null;
            }

            if (!Duration.TryParse(text, out var value))
            {
                Add(node.Start, path, $"'{text}' is not a duration; expected {Duration.Expected}");
                return null;
            }

            if (!allowZero && value <= TimeSpan.Zero)
            {
                Add(node.Start, path, "must be longer than zero");
                return null;
            }

            return value;
        }

        /// <summary>An optional field read by <paramref name="read"/>; null when absent, and <paramref name="ok"/> cleared when invalid.</summary>
        private static T? Field<T>(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> fields, string key, string path, Func<YamlNode, string, T?> read, ref bool ok)
            where T : class
        {
            if (!fields.TryGetValue(key, out var field))
            {
                return null;
            }

            var value = read(field.Value, $"{path}.{key}");
            ok &= value is not null;
            return value;
        }

        /// <inheritdoc cref="Field{T}"/>
        private static T? FieldValue<T>(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> fields, string key, string path, Func<YamlNode, string, T?> read, ref bool ok)
            where T : struct
        {
            if (!fields.TryGetValue(key, out var field))
            {
                return null;
            }

            var value = read(field.Value, $"{path}.{key}");
            ok &= value is not null;
            return value;
        }

        private int? Port(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            {
                return port;
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a port; expected a whole number from 1 to 65535");
            }

            return null;
        }

        private List<string>? Strings(YamlNode node, string path)
        {
            if (node is not YamlSequenceNode sequence)
            {
                Add(node.Start, path, "must be a list, e.g. [\"a\", \"b\"]");
                return null;
            }

            var values = new List<string>();
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                if (Text(sequence.Children[i], $"{path}[{i}]") is not { } text)
                {
                    return null;
                }

                values.Add(text);
            }

            return values;
        }

        /// <summary>A scalar's text, or a problem when the node is a list, a mapping or empty.</summary>
        private string? Text(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } value })
            {
                return value;
            }

            Add(node.Start, path, node is YamlScalarNode ? "must not be empty" : "must be a single value, not a list or mapping");
            return null;
        }

        /// <summary>A mapping's entries by key, with every key outside <paramref name="allowed"/> reported.</summary>
        private Dictionary<string, KeyValuePair<YamlNode, YamlNode>>? Fields(YamlNode node, string path, string[] allowed)
        {
            if (node is not YamlMappingNode map)
            {
                Add(node.Start, path, $"must be a mapping with keys {string.Join(", ", allowed)}");
                return null;
            }

            var fields = new Dictionary<string, KeyValuePair<YamlNode, YamlNode>>(StringComparer.Ordinal);
            foreach (var entry in map.Children)
            {
                var key = (entry.Key as YamlScalarNode)?.Value ?? string.Empty;
                if (Array.IndexOf(allowed, key) < 0)
                {
                    Add(entry.Key.Start, path == "(root)" ? key : $"{path}.{key}", $"unknown key '{key}'; expected one of: {string.Join(", ", allowed)}");
                    continue;
                }

                fields[key] = entry;
            }

            return fields;
        }

        private YamlNode? Required(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> fields, string key, YamlNode owner, string path)
        {
            if (fields.TryGetValue(key, out var field))
            {
                return field.Value;
            }

            Add(owner.Start, $"{path}.{key}", "is required");
            return null;
        }

        private void CheckPortClashes(IReadOnlySet<int> reservedPorts)
        {
            foreach (var claim in _ports)
            {
                if (reservedPorts.Contains(claim.Port))
                {
                    Add(claim.At, claim.Path, $"port {claim.Port} is used by Cutover's own admin API");
                }
            }

            for (var i = 0; i < _ports.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (_ports[i].Overlaps(_ports[j]))
                    {
                        Add(_ports[i].At, _ports[i].Path, $"port {_ports[i].Port} of {_ports[i].Owner} is already used by {_ports[j].Owner} ({_ports[j].Path})");
                        break;
                    }
                }
            }
        }

        private void Add(Mark at, string path, string message) =>
            _problems.Add(new ConfigProblem(file, (int)at.Line, (int)at.Column, path, message));
    }

    /// <summary>A port some part of the file wants to bind, and where it says so.</summary>
    private sealed record PortClaim(int Port, IPAddress Address, string Owner, string Path, Mark At)
    {
        /// <summary>Two binds clash on the same port unless both name different specific addresses.</summary>
        public bool Overlaps(PortClaim other) =>
            Port == other.Port
            && (Address.Equals(other.Address) || IsWildcard(Address) || IsWildcard(other.Address));

        private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
    }
}
