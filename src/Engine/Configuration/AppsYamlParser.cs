using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Cutover.Engine.Configuration;

/// <summary>Reads apps.yaml into <see cref="AppsConfig"/>, refusing the whole file with every problem found.</summary>
/// <remarks>
/// It walks YamlDotNet's node model rather than deserialising into classes, because every problem must point
/// at the line and column of the key or value at fault, and unknown keys must be refused, not ignored.
/// The <see cref="AppsYamlLimits"/> are checked first, so no file can make the later walks deep or long.
/// </remarks>
public static partial class AppsYamlParser
{
    private const string RootPath = "(root)";
    private const string SyntaxPath = "(yaml)";
    private const string FilePath = "(file)";
    private const string What = "apps.yaml files";

    private static readonly string[] RootKeys = ["apps"];
    private static readonly string[] AppKeys =
        ["image", "pull", "listen", "slots", "container", "health", "drain", "proxy", "retain_images", "release", "promotion", "preview", "strategy", "canary", "analysis", "watch"];
    private static readonly string[] SlotKeys = ["blue", "green"];
    private static readonly string[] ContainerKeys =
    [
        "port", "env", "env_file", "volumes", "memory", "cpus", "command",
        "network", "restart", "log", "read_only", "tmpfs", "user", "cap_drop", "cap_add", "no_new_privileges", "extra_hosts", "labels", "stop_timeout", "allow_host_mounts", "secrets",
    ];

    private static readonly string[] HealthKeys = ["path", "expect", "interval", "timeout", "healthy_after", "start_grace", "deadline", "host"];
    private static readonly string[] DrainKeys = ["timeout", "websocket_timeout"];
    private static readonly string[] ProxyKeys = ["idle_timeout", "trusted_proxies"];

    /// <summary>Reads and validates the file at <paramref name="filePath"/>.</summary>
    /// <param name="reservedPorts">Ports the host itself listens on (e.g. the admin API); apps may not use them.</param>
    /// <exception cref="ConfigException">The file is missing, unreadable or invalid.</exception>
    public static AppsConfig Load(string filePath, IReadOnlySet<int>? reservedPorts = null)
    {
        var path = Path.GetFullPath(filePath);
        return Parse(ReadFile(path), path, reservedPorts);
    }

    /// <summary>The text of the apps.yaml at <paramref name="path"/>, refused before it is opened when it is not a regular file or is too large.</summary>
    /// <exception cref="ConfigException">The file is missing, unreadable, not a regular file or too large.</exception>
    public static string ReadFile(string path)
    {
        if (FileFacts.Of(path) is { Kind: FileKind.Regular, Size: > AppsYamlLimits.MaxFileBytes } facts)
        {
            throw new ConfigException([TooLarge(path, facts.Size)]);
        }

        try
        {
            return BoundedFile.ReadAllText(path, AppsYamlLimits.MaxFileBytes, What);
        }
        catch (BoundedFileException ex)
        {
            throw new ConfigException([new ConfigProblem(path, 0, 0, FilePath, $"cannot read the file: it {ex.Reason}")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigProblem(path, 0, 0, FilePath, $"cannot read the file: {ex.Message}")]);
        }
    }

    /// <summary>Validates apps.yaml text; <paramref name="filePath"/> names it in problems and anchors relative env files.</summary>
    /// <param name="reservedPorts">Ports the host itself listens on (e.g. the admin API); apps may not use them.</param>
    /// <exception cref="ConfigException">The text is not a valid apps.yaml; every problem is listed, in file order.</exception>
    /// <param name="time">The clock that bounds the reading time (<see cref="AppsYamlLimits.MaxReadTime"/>); the system's by default.</param>
    public static AppsConfig Parse(string yamlText, string filePath, IReadOnlySet<int>? reservedPorts = null, TimeProvider? time = null)
    {
        var path = Path.GetFullPath(filePath);
        if (Encoding.UTF8.GetByteCount(yamlText) is var bytes and > AppsYamlLimits.MaxFileBytes)
        {
            throw new ConfigException([TooLarge(path, bytes)]);
        }

        var reader = new Reader(path, reservedPorts ?? new HashSet<int>(), time ?? TimeProvider.System);
        AppsConfig config;
        try
        {
            config = reader.Read(yamlText);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A reload runs on a timer, where an exception would end the host: refuse the file instead, and own the fault.
            throw new ConfigException([new ConfigProblem(path, 1, 1, FilePath, $"Cutover failed to read this file ({ex.GetType().Name}: {ex.Message}); this is a bug in Cutover")]);
        }

        if (reader.Problems.Count > 0)
        {
            // Checks run section by section (port clashes last); the operator reads them top to bottom.
            throw new ConfigException(Listed([.. reader.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column)]));
        }

        return config;
    }

    private static ConfigProblem TooLarge(string path, long bytes) =>
        new(path, 1, 1, FilePath, $"the file is {BoundedFile.FormatSize(bytes)} ({bytes} bytes); {What} are limited to {BoundedFile.FormatSize(AppsYamlLimits.MaxFileBytes)}");

    /// <summary>The first <see cref="AppsYamlLimits.MaxProblems"/> problems, the last saying how many more there are: a mangled file must not make a refusal of megabytes.</summary>
    private static List<ConfigProblem> Listed(List<ConfigProblem> problems)
    {
        if (problems.Count <= AppsYamlLimits.MaxProblems)
        {
            return problems;
        }

        var next = problems[AppsYamlLimits.MaxProblems - 1];
        var more = problems.Count - (AppsYamlLimits.MaxProblems - 1);
        return [.. problems.Take(AppsYamlLimits.MaxProblems - 1), next with { Message = $"{more} more problems from here on are not listed; fix the ones above first" }];
    }

    private static string Child(string path, string key) => path == RootPath ? key : $"{path}.{key}";

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?\z")]
    private static partial Regex AppName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^([0-9]{3})(?:-([0-9]{3}))?\z")]
    private static partial Regex StatusRangePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]*\z")]
    private static partial Regex VolumeName();

    [GeneratedRegex(@"^[0-9]{1,5}\z")]
    private static partial Regex BarePort();

    // IPAddress.Parse alone would take "1.2.3" or "1" as IPv4 shorthands; an operator never means those.
    [GeneratedRegex(@"^(?:(?<address>[0-9]{1,3}(?:\.[0-9]{1,3}){3})|\[(?<address>[0-9A-Fa-f:.]+)\]):(?<port>[0-9]{1,5})\z")]
    private static partial Regex AddressAndPort();

    /// <summary>One read of one file: the problems found so far, and where in the file they are.</summary>
    private sealed partial class Reader(string file, IReadOnlySet<int> reservedPorts, TimeProvider time)
    {
        private readonly List<ConfigProblem> _problems = [];
        private readonly List<PortClaim> _ports = [];

        public IReadOnlyList<ConfigProblem> Problems => _problems;

        public AppsConfig Read(string text)
        {
            if (LoadRoot(text) is not { } root)
            {
                return AppsConfig.Empty(file);
            }

            var apps = ReadApps(root);
            CheckPortClashes();
            return new AppsConfig(file, apps);
        }

        /// <summary>The single document's root node, or null (with a problem) when there is nothing to read.</summary>
        private YamlNode? LoadRoot(string text)
        {
            var stream = new YamlStream();
            try
            {
                if (BoundedYamlEvents.Read(text, time, (at, message) => Add(at, SyntaxPath, message)) is not { } events)
                {
                    return null;
                }

                stream.Load(new RepeatedKeyFilter(events, Add));
            }
            catch (YamlException ex)
            {
                Add(ex.Start, SyntaxPath, ex.Message);
                return null;
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                _problems.Add(new ConfigProblem(file, 1, 1, RootPath, "the file is empty; expected a mapping with 'apps:'"));
                return null;
            }

            if (stream.Documents.Count > 1)
            {
                Add(stream.Documents[1].RootNode.Start, SyntaxPath, "the file holds more than one YAML document ('---'); expected exactly one");
            }

            return stream.Documents[0].RootNode;
        }

        private Dictionary<string, AppSpec> ReadApps(YamlNode root)
        {
            var apps = new Dictionary<string, AppSpec>(StringComparer.Ordinal);
            if (Fields(root, RootPath, RootKeys) is not { } fields)
            {
                return apps;
            }

            if (!fields.TryGetValue("apps", out var entry))
            {
                Add(root.Start, "apps", "is required: the file must be a mapping with an 'apps:' key");
                return apps;
            }

            // "apps:" with nothing under it is an operator who removed every app, like "apps: {}".
            if (entry.Value is YamlScalarNode { Value: null or "" })
            {
                return apps;
            }

            if (entry.Value is not YamlMappingNode map)
            {
                Add(entry.Value.Start, "apps", "must be a mapping of application names to their settings");
                return apps;
            }

            foreach (var (key, value) in map.Children)
            {
                if (ReadApp(key, value) is { } app)
                {
                    apps[app.Name] = app;
                }
            }

            return apps;
        }

        private AppSpec? ReadApp(YamlNode keyNode, YamlNode node)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var path = $"apps.{name}";
            if (!AppName().IsMatch(name))
            {
                Add(keyNode.Start, path, $"'{name}' is not a valid app name: 1-40 characters of a-z, 0-9 and '-', not starting or ending with '-'");
            }

            if (Fields(node, path, AppKeys) is not { } fields)
            {
                return null;
            }

            var image = Required(fields, "image", keyNode, path) is { } imageEntry ? ReadImage(imageEntry.Value, $"{path}.image") : null;
            var pull = fields.TryGetValue("pull", out var pullEntry) ? ReadPull(pullEntry.Value, $"{path}.pull") : PullPolicy.Missing;
            var listen = Required(fields, "listen", keyNode, path) is { } listenEntry ? ReadListen(listenEntry.Value, $"{path}.listen", name) : null;
            var slots = Required(fields, "slots", keyNode, path) is { } slotsEntry ? ReadSlots(slotsEntry, $"{path}.slots", name) : null;
            var container = fields.TryGetValue("container", out var c) ? ReadContainer(c.Value, $"{path}.container") : ContainerSpec.Default;
            var health = fields.TryGetValue("health", out var h) ? ReadHealth(h.Value, $"{path}.health") : HealthSpec.Default;
            var drain = fields.TryGetValue("drain", out var d) ? ReadDrain(d.Value, $"{path}.drain") : DrainSpec.Default;
            var proxy = fields.TryGetValue("proxy", out var p) ? ReadProxy(p.Value, $"{path}.proxy") : ProxySpec.Default;
            var retainImages = fields.TryGetValue("retain_images", out var r) ? ReadRetainImages(r.Value, $"{path}.retain_images") : AppSpec.DefaultRetainImages;
            var release = ReadRelease(fields, path);
            var rollout = ReadRollout(fields, path, name);
            var analysis = fields.TryGetValue("analysis", out var an) ? ReadAnalysis(an.Value, $"{path}.analysis") : null;

            return image is null || pull is null || listen is null || slots is null || container is null || health is null || drain is null || proxy is null
                || retainImages is null || rollout is null
                ? null
                : rollout.ApplyTo(new AppSpec(name, image, pull.Value, listen, slots, container, health, drain)
                {
                    Proxy = proxy,
                    RetainImages = retainImages.Value,
                    Release = release,
                    Analysis = analysis,
                });
        }

        private string? ReadImage(YamlNode node, string path)
        {
            var image = Text(node, path);
            if (image is not null && !ImageReference.IsValid(image, out var error))
            {
                Add(node.Start, path, $"'{image}' is not a valid image reference: {error}");
                return null;
            }

            return image;
        }

        private PullPolicy? ReadPull(YamlNode node, string path)
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

            return null;
        }

        private IPEndPoint? ReadListen(YamlNode node, string path, string app)
        {
            if (Text(node, path) is not { } text)
            {
                return null;
            }

            if (ParseListen(text) is not { } endpoint)
            {
                Add(node.Start, path, $"'{text}' is not a listen address; expected IPv4:PORT or [IPv6]:PORT (e.g. 0.0.0.0:8080, [::]:8080) or a bare port 1-65535");
                return null;
            }

            _ports.Add(new PortClaim(endpoint.Port, endpoint.Address, IsListener: true, $"the listener of '{app}'", path, node.Start));
            return endpoint;
        }

        /// <summary>"ADDRESS:PORT" or a bare port (meaning every IPv4 address), or null.</summary>
        private static IPEndPoint? ParseListen(string text)
        {
            if (BarePort().IsMatch(text))
            {
                var port = int.Parse(text, CultureInfo.InvariantCulture);
                return port is >= 1 and <= 65535 ? new IPEndPoint(IPAddress.Any, port) : null;
            }

            var match = AddressAndPort().Match(text);
            return match.Success
                && IPAddress.TryParse(match.Groups["address"].Value, out var address)
                && int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture) is >= 1 and <= 65535 and var listenPort
                ? new IPEndPoint(address, listenPort)
                : null;
        }

        private SlotPorts? ReadSlots(KeyValuePair<YamlNode, YamlNode> entry, string path, string app)
        {
            if (Fields(entry.Value, path, SlotKeys) is not { } fields)
            {
                return null;
            }

            var blue = Required(fields, "blue", entry.Key, path) is { } b ? Port(b.Value, $"{path}.blue") : null;
            var green = Required(fields, "green", entry.Key, path) is { } g ? Port(g.Value, $"{path}.green") : null;
            if (blue is null || green is null)
            {
                return null;
            }

            if (blue == green)
            {
                Add(fields["green"].Value.Start, $"{path}.green", $"the blue and green slots of '{app}' both use port {blue} ({path}.blue and {path}.green); each slot needs its own port");
                return null;
            }

            _ports.Add(new PortClaim(blue.Value, IPAddress.Loopback, IsListener: false, $"the blue slot of '{app}'", $"{path}.blue", fields["blue"].Value.Start));
            _ports.Add(new PortClaim(green.Value, IPAddress.Loopback, IsListener: false, $"the green slot of '{app}'", $"{path}.green", fields["green"].Value.Start));
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
            var run = ReadRun(fields, path, ref ok);
            var secrets = Field(fields, "secrets", path, ReadSecretNames, ref ok);
            var defaults = ContainerSpec.Default;
            return ok && run is not null
                ? new ContainerSpec(port ?? defaults.Port, env ?? defaults.Env, envFile, volumes ?? defaults.Volumes, memory, cpus, command ?? defaults.Command)
                {
                    Run = run,
                    Secrets = secrets ?? defaults.Secrets,
                }
                : null;
        }

        private List<string>? ReadSecretNames(YamlNode node, string path) => List(node, path, ReadSecretName);

        private string? ReadSecretName(YamlNode node, string path)
        {
            var name = Text(node, path);
            if (name is not null && !EnvName().IsMatch(name))
            {
                Add(node.Start, path, $"'{name}' is not a valid environment variable name (letters, digits and '_', not starting with a digit)");
                return null;
            }

            return name;
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
                    Add(key.Start, $"{path}.{name}", $"'{name}' is not a valid environment variable name (letters, digits and '_', not starting with a digit)");
                    ok = false;
                }
                else if (value is not YamlScalarNode scalar)
                {
                    Add(value.Start, $"{path}.{name}", "must be a single value, not a list or mapping");
                    ok = false;
                }
                else
                {
                    // Numbers and booleans stay as written ("4", "true"): the container sees text anyway.
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

            if (relative.Contains('\0', StringComparison.Ordinal))
            {
                Add(node.Start, path, "must be a file name; it holds a NUL character");
                return null;
            }

            var full = Path.GetFullPath(relative, Path.GetDirectoryName(file)!);

            // Checked without opening it: it is read at each deployment, and a FIFO or a device there would hang or flood that read.
            if (BoundedFile.Refusal(full, EnvFile.MaxBytes, "env files") is { } reason)
            {
                Add(node.Start, path, $"'{full}' {reason}");
                return null;
            }

            return full;
        }

        private List<string>? ReadVolumes(YamlNode node, string path) => List(node, path, ReadVolume);

        private string? ReadVolume(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (text is not null && !IsVolume(text))
            {
                Add(node.Start, path, $"'{text}' is not a volume; expected /host/path:/container/path or name:/container/path, optionally :ro or :rw");
                return null;
            }

            return text;
        }

        /// <summary>"host:container[:ro|rw]", the host side an absolute path or a named volume.</summary>
        private static bool IsVolume(string volume)
        {
            var parts = volume.Split(':');
            return parts.Length is 2 or 3
                && (parts[0].StartsWith('/') || VolumeName().IsMatch(parts[0]))
                && parts[1].StartsWith('/')
                && (parts.Length == 2 || parts[2] is "ro" or "rw");
        }

        private long? ReadMemory(YamlNode node, string path)
        {
            if (Text(node, path) is not { } text)
            {
                return null;
            }

            if (!ByteSize.TryParse(text, out var bytes) || bytes <= 0)
            {
                Add(node.Start, path, $"'{text}' is not a memory size; expected a positive {ByteSize.Expected}");
                return null;
            }

            return bytes;
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
                Add(node.Start, path, $"'{text}' is not a CPU count; expected a number above 0 and at most 1024, e.g. 0.5 or 2");
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
            var host = Field(fields, "host", path, ReadHealthHost, ref ok);
            var defaults = HealthSpec.Default;
            return ok
                ? new HealthSpec(
                    probePath ?? defaults.Path,
                    expect ?? defaults.Expect,
                    interval ?? defaults.Interval,
                    timeout ?? defaults.Timeout,
                    healthyAfter ?? defaults.HealthyAfter,
                    startGrace ?? defaults.StartGrace,
                    deadline ?? defaults.Deadline) { Host = host }
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

        private int? ReadRetainImages(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 0 and <= 1000)
            {
                return count;
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a count; expected a whole number from 0 to 1000 (images of this app kept on disk)");
            }

            return null;
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
                Add(node.Start, path, $"'{text}' is not a status range; expected NNN or NNN-NNN between 100 and 599, lowest first, e.g. 200-399");
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

        private ProxySpec? ReadProxy(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return ProxySpec.Default;
            }

            if (Fields(node, path, ProxyKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            TimeSpan? idleTimeout = null;
            if (fields.TryGetValue("idle_timeout", out var idle))
            {
                ok &= TryReadIdleTimeout(idle.Value, $"{path}.idle_timeout", out idleTimeout);
            }

            var trusted = Field(fields, "trusted_proxies", path, ReadTrustedProxies, ref ok);
            return ok ? new ProxySpec(idleTimeout) { TrustedProxies = trusted ?? [] } : null;
        }

        private List<IPNetwork>? ReadTrustedProxies(YamlNode node, string path)
        {
            if (node is YamlSequenceNode { Children.Count: > ProxySpec.MaxTrustedProxies } tooMany)
            {
                Add(node.Start, path, $"lists {tooMany.Children.Count} networks; at most {ProxySpec.MaxTrustedProxies} are allowed (name the proxies in front of this app, or wider networks)");
                return null;
            }

            if (List(node, path, ReadTrustedProxy) is not { } items)
            {
                return null;
            }

            // Each item was checked by ReadTrustedProxy, which parsed it already; parse again rather than carry two lists.
            return [.. items.Select(TrustedProxy.Parse)];
        }

        private string? ReadTrustedProxy(YamlNode node, string path)
        {
            if (Text(node, path) is not { } text)
            {
                return null;
            }

            if (TrustedProxy.Check(text) is { } error)
            {
                Add(node.Start, path, error);
                return null;
            }

            return text;
        }

        /// <summary><c>none</c> (null: never cut an idle WebSocket or stream) or a positive duration of at most a day.</summary>
        private bool TryReadIdleTimeout(YamlNode node, string path, out TimeSpan? value)
        {
            value = null;
            if (node is YamlScalarNode { Value: "none" })
            {
                return true;
            }

            if (node is YamlScalarNode { Value: { Length: > 0 } text } && !Duration.TryParse(text, out _))
            {
                Add(node.Start, path, $"'{text}' is neither none nor a duration; expected none or {Duration.Expected}");
                return false;
            }

            if (PositiveDuration(node, path) is not { } duration)
            {
                return false;
            }

            if (duration > ProxySpec.MaxIdleTimeout)
            {
                Add(node.Start, path, "must be at most 24h; write none for no idle limit");
                return false;
            }

            value = duration;
            return true;
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

        private List<string>? Strings(YamlNode node, string path) => List(node, path, Text);

        /// <summary>A list whose items are each read by <paramref name="readItem"/>; every bad item is reported.</summary>
        private List<string>? List(YamlNode node, string path, Func<YamlNode, string, string?> readItem)
        {
            if (node is not YamlSequenceNode sequence)
            {
                Add(node.Start, path, $"must be a list, e.g. [\"a\", \"b\"]; found {Describe(node)}");
                return null;
            }

            // Read every item before deciding, so each bad one is reported, not only the first.
            var items = sequence.Children.Select((item, i) => readItem(item, $"{path}[{i}]")).ToList();
            return items.Contains(null) ? null : [.. items.OfType<string>()];
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
            var expected = string.Join(", ", allowed);
            if (node is not YamlMappingNode map)
            {
                Add(node.Start, path, $"must be a mapping with the keys {expected}; found {Describe(node)}");
                return null;
            }

            var fields = new Dictionary<string, KeyValuePair<YamlNode, YamlNode>>(StringComparer.Ordinal);
            foreach (var entry in map.Children)
            {
                var key = (entry.Key as YamlScalarNode)?.Value ?? string.Empty;
                if (Array.IndexOf(allowed, key) < 0)
                {
                    Add(entry.Key.Start, Child(path, key), $"unknown key '{key}'; expected one of: {expected}");
                    continue;
                }

                fields[key] = entry;
            }

            return fields;
        }

        private static string Describe(YamlNode node) => node switch
        {
            YamlSequenceNode => "a list",
            YamlScalarNode { Value: null or "" } => "nothing",
            YamlScalarNode scalar => $"'{scalar.Value}'",
            _ => "a mapping",
        };

        /// <summary>A required entry; when absent the problem points at <paramref name="ownerKey"/>, the key the field belongs under.</summary>
        private KeyValuePair<YamlNode, YamlNode>? Required(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> fields, string key, YamlNode ownerKey, string path)
        {
            if (fields.TryGetValue(key, out var field))
            {
                return field;
            }

            Add(ownerKey.Start, $"{path}.{key}", $"'{key}' is required");
            return null;
        }

        private void CheckPortClashes()
        {
            foreach (var claim in _ports.Where(c => reservedPorts.Contains(c.Port)))
            {
                Add(claim.At, claim.Path, $"port {claim.Port} of {claim.Owner} is reserved: the Cutover host itself listens there (e.g. its admin API)");
            }

            for (var i = 0; i < _ports.Count; i++)
            {
                // Name only the first earlier claim: one problem per offending value is enough to fix it.
                if (_ports.Take(i).FirstOrDefault(_ports[i].Clashes) is { } earlier)
                {
                    var claim = _ports[i];
                    Add(claim.At, claim.Path, $"port {claim.Port} of {claim.Owner} is already used by {earlier.Owner} ({earlier.Path})");
                }
            }
        }

        private void Add(Mark at, string path, string message) =>
            _problems.Add(new ConfigProblem(file, (int)at.Line, (int)at.Column, path, message));
    }

    /// <summary>A port some part of the file wants to bind, and where it says so.</summary>
    private sealed record PortClaim(int Port, IPAddress Address, bool IsListener, string Owner, string Path, Mark At)
    {
        /// <summary>
        /// Equal ports clash, except two listeners on different specific addresses, which can both bind.
        /// Slot ports are refused on any clash: a listener on that port, whatever its address, is a mistake.
        /// </summary>
        public bool Clashes(PortClaim other) =>
            Port == other.Port
            && (!IsListener || !other.IsListener || Address.Equals(other.Address) || IsWildcard(Address) || IsWildcard(other.Address));

        private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
    }

    /// <summary>
    /// The file's parse events with every repeated mapping key (and its value) left out, each one reported.
    /// YamlDotNet's node model throws at the first repeated key, which would hide every other problem in the file.
    /// </summary>
    private sealed class RepeatedKeyFilter : IParser
    {
        private readonly List<ParsingEvent> _kept = [];
        private readonly Action<Mark, string, string> _report;
        private int _next;

        /// <param name="events">The whole stream, already within <see cref="AppsYamlLimits"/>: the copy below recurses once per level.</param>
        public RepeatedKeyFilter(List<ParsingEvent> events, Action<Mark, string, string> report)
        {
            _report = report;
            var i = 0;
            while (i < events.Count)
            {
                // Outside nodes there are only stream and document boundaries; each document has one root node.
                i = events[i] is NodeEvent ? Copy(events, i, RootPath) : Keep(events, i);
            }
        }

        public ParsingEvent? Current { get; private set; }

        public bool MoveNext()
        {
            Current = _next < _kept.Count ? _kept[_next++] : null;
            return Current is not null;
        }

        /// <summary>Copies the node starting at <paramref name="i"/>; returns the index after it.</summary>
        private int Copy(List<ParsingEvent> events, int i, string path) => events[i] switch
        {
            MappingStart => CopyMapping(events, i, path),
            SequenceStart => CopySequence(events, i, path),
            _ => Keep(events, i),
        };

        private int CopyMapping(List<ParsingEvent> events, int i, string path)
        {
            i = Keep(events, i);
            var seen = new Dictionary<string, Mark>(StringComparer.Ordinal);
            while (events[i] is not MappingEnd)
            {
                if (events[i] is not Scalar { Value: var key })
                {
                    // apps.yaml's keys are all names; a list, mapping or alias as a key would also cost a deep hash and compare in the node model.
                    _report(events[i].Start, Child(path, "?"), events[i] is AnchorAlias
                        ? "a key must be a plain name, not an alias ('*name')"
                        : "a key must be a plain name, not a list or mapping");
                    i = Skip(events, Skip(events, i));
                    continue;
                }

                var keyPath = Child(path, key);
                if (!seen.TryAdd(key, events[i].Start))
                {
                    _report(events[i].Start, keyPath, $"the key '{key}' appears twice in the same mapping (first at line {seen[key].Line}, column {seen[key].Column}); only the first is read");
                    i = Skip(events, Skip(events, i));
                    continue;
                }

                i = Copy(events, i, keyPath);
                i = Copy(events, i, keyPath);
            }

            return Keep(events, i);
        }

        private int CopySequence(List<ParsingEvent> events, int i, string path)
        {
            i = Keep(events, i);
            for (var n = 0; events[i] is not SequenceEnd; n++)
            {
                i = Copy(events, i, $"{path}[{n}]");
            }

            return Keep(events, i);
        }

        private int Keep(List<ParsingEvent> events, int i)
        {
            _kept.Add(events[i]);
            return i + 1;
        }

        /// <summary>The index after the node starting at <paramref name="i"/>, nested content included.</summary>
        private static int Skip(List<ParsingEvent> events, int i)
        {
            var depth = 0;
            do
            {
                depth += events[i++].NestingIncrease;
            }
            while (depth > 0);

            return i;
        }
    }
}
