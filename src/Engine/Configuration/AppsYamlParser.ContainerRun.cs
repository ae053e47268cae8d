using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Cutover.Engine.Configuration;

/// <summary>The container section's run settings (network, restart, log, privileges, labels, stop_timeout, host mounts) and health's host.</summary>
public static partial class AppsYamlParser
{
    private static readonly string[] LogKeys = ["driver", "max_size", "max_files"];

    /// <summary>Linux's capabilities, as Docker names them without CAP_.</summary>
    private static readonly HashSet<string> Capabilities = new(StringComparer.Ordinal)
    {
        "ALL", "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF", "CHECKPOINT_RESTORE", "CHOWN",
        "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE",
        "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "PERFMON",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE",
        "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM",
    };

    /// <summary>The longest stop_timeout, as for the host's Cutover:StopTimeout.</summary>
    private static readonly TimeSpan MaxStopTimeout = TimeSpan.FromMinutes(10);

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}\z")]
    private static partial Regex NetworkName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}\z")]
    private static partial Regex LogDriverName();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?\z")]
    private static partial Regex UserPattern();

    [GeneratedRegex(@"^/[^:\s]*(?::[A-Za-z0-9=,._-]+)?\z")]
    private static partial Regex TmpfsPattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}\z")]
    private static partial Regex DottedIPv4();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}\z")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^(?<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(?<port>[0-9]{1,5}))?\z")]
    private static partial Regex HostHeader();

    private sealed partial class Reader
    {
        /// <summary>The run settings of a container section; null (with problems) when any is invalid. Also refuses host mounts among the volumes.</summary>
        private ContainerRunSpec? ReadRun(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> fields, string path, ref bool ok)
        {
            var valid = true;
            var network = Field(fields, "network", path, ReadNetwork, ref valid);
            var restart = FieldValue(fields, "restart", path, ReadRestart, ref valid);
            var log = Field(fields, "log", path, ReadLog, ref valid);
            var readOnly = FieldValue(fields, "read_only", path, ReadBool, ref valid);
            var tmpfs = Field(fields, "tmpfs", path, ReadTmpfs, ref valid);
            var user = Field(fields, "user", path, ReadUser, ref valid);
            var capDrop = Field(fields, "cap_drop", path, ReadCapabilities, ref valid);
            var capAdd = Field(fields, "cap_add", path, ReadCapabilities, ref valid);
            var noNewPrivileges = FieldValue(fields, "no_new_privileges", path, ReadBool, ref valid);
            var extraHosts = Field(fields, "extra_hosts", path, ReadExtraHosts, ref valid);
            var labels = Field(fields, "labels", path, ReadLabels, ref valid);
            var stopTimeout = FieldValue(fields, "stop_timeout", path, ReadStopTimeout, ref valid);
            var allowHostMounts = FieldValue(fields, "allow_host_mounts", path, ReadBool, ref valid);
            if (allowHostMounts is not true && fields.TryGetValue("volumes", out var volumes))
            {
                valid &= CheckHostMounts(volumes.Value, $"{path}.volumes", $"{path}.allow_host_mounts");
            }

            ok &= valid;
            var defaults = ContainerRunSpec.Default;
            return valid
                ? new ContainerRunSpec(
                    network,
                    restart ?? defaults.Restart,
                    log ?? defaults.Log,
                    readOnly ?? defaults.ReadOnly,
                    tmpfs ?? defaults.Tmpfs,
                    user,
                    capDrop ?? defaults.CapDrop,
                    capAdd ?? defaults.CapAdd,
                    noNewPrivileges ?? defaults.NoNewPrivileges,
                    extraHosts ?? defaults.ExtraHosts,
                    labels ?? defaults.Labels,
                    stopTimeout,
                    allowHostMounts ?? defaults.AllowHostMounts)
                : null;
        }

        /// <summary>Refuses each volume whose host side is / or the Docker socket; false when any is.</summary>
        private bool CheckHostMounts(YamlNode node, string path, string allowPath)
        {
            var ok = true;
            IList<YamlNode> items = node is YamlSequenceNode sequence ? sequence.Children : [];
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is YamlScalarNode { Value: { Length: > 0 } text } && IsVolume(text) && text.StartsWith('/')
                    && HostMounts.Exposes(text.Split(':')[0]) is { } exposed)
                {
                    Add(items[i].Start, $"{path}[{i}]", $"'{text}' mounts {exposed}; refused unless {allowPath} is true, which says the operator means it");
                    ok = false;
                }
            }

            return ok;
        }

        private string? ReadNetwork(YamlNode node, string path)
        {
            switch (Text(node, path))
            {
                case null:
                    return null;
                case "host":
                    Add(node.Start, path, "'host' shares the machine's own network, where the slot port cannot be published on 127.0.0.1 alone; name a user-defined network (docker network create NAME)");
                    return null;
                case "none":
                    Add(node.Start, path, "'none' leaves the container without a network, so its slot port cannot be reached; name a user-defined network (docker network create NAME) or leave network out");
                    return null;
                case var name when !NetworkName().IsMatch(name):
                    Add(node.Start, path, $"'{name}' is not a network name; expected letters, digits, '_', '.' and '-', starting with a letter or digit (an existing network, see docker network ls)");
                    return null;
                case var name:
                    return name;
            }
        }

        private RestartMode? ReadRestart(YamlNode node, string path)
        {
            switch (Text(node, path))
            {
                case "no":
                    return RestartMode.No;
                case "on-failure":
                    return RestartMode.OnFailure;
                case "always":
                    return RestartMode.Always;
                case "unless-stopped":
                    return RestartMode.UnlessStopped;
                case { } other:
                    Add(node.Start, path, $"'{other}' is not a restart policy; expected no, on-failure, always or unless-stopped");
                    break;
            }

            return null;
        }

        private LogSpec? ReadLog(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: null or "" })
            {
                return LogSpec.Default;
            }

            if (Fields(node, path, LogKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            var driver = Field(fields, "driver", path, ReadLogDriver, ref ok) ?? LogSpec.Default.Driver;
            var maxSize = FieldValue(fields, "max_size", path, ReadLogSize, ref ok);
            var maxFiles = FieldValue(fields, "max_files", path, ReadLogFiles, ref ok);
            if (!LogSpec.RotatingDrivers.Contains(driver))
            {
                // Other drivers refuse max-size and max-file at container creation; say so here, at the key.
                foreach (var key in new[] { "max_size", "max_files" }.Where(fields.ContainsKey))
                {
                    Add(fields[key].Key.Start, $"{path}.{key}", $"applies only to the json-file and local drivers; the '{driver}' driver keeps its logs by its own settings");
                    ok = false;
                }

                return ok ? new LogSpec(driver, null, null) : null;
            }

            return ok ? new LogSpec(driver, maxSize ?? LogSpec.Default.MaxSizeBytes, maxFiles ?? LogSpec.Default.MaxFiles) : null;
        }

        private string? ReadLogDriver(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (text is not null && !LogDriverName().IsMatch(text))
            {
                Add(node.Start, path, $"'{text}' is not a log driver name, e.g. json-file, local, journald or syslog");
                return null;
            }

            return text;
        }

        private long? ReadLogSize(YamlNode node, string path)
        {
            if (Text(node, path) is not { } text)
            {
                return null;
            }

            if (!ByteSize.TryParse(text, out var bytes) || bytes < 1024)
            {
                Add(node.Start, path, $"'{text}' is not a log file size; expected at least 1k, as {ByteSize.Expected}");
                return null;
            }

            return bytes;
        }

        private int? ReadLogFiles(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 100)
            {
                return count;
            }

            if (text is not null)
            {
                Add(node.Start, path, $"'{text}' is not a number of log files; expected a whole number from 1 to 100");
            }

            return null;
        }

        private bool? ReadBool(YamlNode node, string path)
        {
            switch (Text(node, path))
            {
                case "true":
                    return true;
                case "false":
                    return false;
                case { } other:
                    Add(node.Start, path, $"'{other}' is not true or false");
                    break;
            }

            return null;
        }

        private List<string>? ReadTmpfs(YamlNode node, string path)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            return List(node, path, (item, itemPath) =>
            {
                var text = Text(item, itemPath);
                if (text is null)
                {
                    return null;
                }

                var target = text.Split(':')[0];
                if (!TmpfsPattern().IsMatch(text) || HostMounts.Fold(target) == "/")
                {
                    Add(item.Start, itemPath, $"'{text}' is not a tmpfs mount; expected an absolute path inside the container other than /, optionally with :options, e.g. /tmp or /tmp:size=64m,mode=1777");
                    return null;
                }

                if (!seen.Add(HostMounts.Fold(target)))
                {
                    Add(item.Start, itemPath, $"'{target}' is already mounted as tmpfs by an earlier item");
                    return null;
                }

                return text;
            });
        }

        private string? ReadUser(YamlNode node, string path)
        {
            var text = Text(node, path);
            if (text is not null && !UserPattern().IsMatch(text))
            {
                Add(node.Start, path, $"'{text}' is not a user; expected uid, uid:gid, name or name:group, e.g. \"1000:1000\"");
                return null;
            }

            return text;
        }

        private List<string>? ReadCapabilities(YamlNode node, string path) => List(node, path, (item, itemPath) =>
        {
            var text = Text(item, itemPath);
            if (text is null)
            {
                return null;
            }

            var name = text.ToUpperInvariant();
            name = name.StartsWith("CAP_", StringComparison.Ordinal) ? name[4..] : name;
            if (!Capabilities.Contains(name))
            {
                Add(item.Start, itemPath, $"'{text}' is not a Linux capability; expected ALL or a name such as NET_BIND_SERVICE, CHOWN or SYS_PTRACE (see man 7 capabilities)");
                return null;
            }

            return name;
        });

        private List<string>? ReadExtraHosts(YamlNode node, string path) => List(node, path, (item, itemPath) =>
        {
            var text = Text(item, itemPath);
            if (text is null)
            {
                return null;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var host = colon < 0 ? text : text[..colon];
            var address = colon < 0 ? string.Empty : text[(colon + 1)..];
            var validAddress = address == "host-gateway"
                || (DottedIPv4().IsMatch(address) && IPAddress.TryParse(address, out _))
                || (address.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(address, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
            if (!HostName().IsMatch(host) || !validAddress)
            {
                Add(item.Start, itemPath, $"'{text}' is not an extra host; expected name:address, e.g. db.internal:10.0.0.5 or db.internal:host-gateway");
                return null;
            }

            return text;
        });

        private Dictionary<string, string>? ReadLabels(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                Add(node.Start, path, $"must be a mapping of name: value, e.g. {{ team: web }}; found {Describe(node)}");
                return null;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var ok = true;
            foreach (var (key, value) in map.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (name.StartsWith(ContainerRunSpec.ReservedLabelPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    Add(key.Start, $"{path}.{name}", $"'{name}' is one of Cutover's own labels ({ContainerRunSpec.ReservedLabelPrefix}*), which find and tell apart its containers; choose another name");
                    ok = false;
                }
                else if (!LabelKey().IsMatch(name))
                {
                    Add(key.Start, $"{path}.{name}", $"'{name}' is not a label name; expected letters, digits, '.', '_', '/' and '-', starting with a letter or digit, e.g. com.example.team");
                    ok = false;
                }
                else if (value is not YamlScalarNode scalar)
                {
                    Add(value.Start, $"{path}.{name}", "must be a single value, not a list or mapping");
                    ok = false;
                }
                else
                {
                    labels[name] = scalar.Value ?? string.Empty;
                }
            }

            return ok ? labels : null;
        }

        private TimeSpan? ReadStopTimeout(YamlNode node, string path)
        {
            if (PositiveDuration(node, path) is not { } timeout)
            {
                return null;
            }

            if (timeout > MaxStopTimeout)
            {
                Add(node.Start, path, "must be at most 10m (Docker sends SIGKILL after it; a longer wait would hold up every deployment)");
                return null;
            }

            return timeout;
        }

        private string? ReadHealthHost(YamlNode node, string path)
        {
            var text = Text(node, path);
            var match = text is null ? Match.Empty : HostHeader().Match(text);
            var valid = match.Success
                && Uri.CheckHostName(match.Groups["host"].Value.Trim('[', ']')) != UriHostNameType.Unknown
                && (!match.Groups["port"].Success || int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture) is >= 1 and <= 65535);
            if (text is not null && !valid)
            {
                Add(node.Start, path, $"'{text}' is not a Host header; expected a host name or address, optionally with :PORT, e.g. shop.example.com");
                return null;
            }

            return text;
        }
    }
}
