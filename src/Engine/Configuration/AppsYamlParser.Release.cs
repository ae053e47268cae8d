using YamlDotNet.RepresentationModel;

namespace Cutover.Engine.Configuration;

/// <summary>apps.yaml's <c>release:</c> section: the one-off command run in the new image before its slot starts.</summary>
public static partial class AppsYamlParser
{
    private static readonly string[] ReleaseKeys = ["command", "timeout"];

    /// <summary>A release shorter than this is a typo (e.g. 5s meant as 5m): a migration needs longer than a second to start.</summary>
    private static readonly TimeSpan MinReleaseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The app's deployments wait on the release; one held for more than hours is stuck, not working.</summary>
    private static readonly TimeSpan MaxReleaseTimeout = TimeSpan.FromHours(6);

    private sealed partial class Reader
    {
        /// <summary>The app's <c>release:</c>, or null when it has none (or it is invalid: the problems are reported, and refuse the file).</summary>
        private ReleaseSpec? ReadRelease(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> appFields, string appPath)
        {
            if (!appFields.TryGetValue("release", out var entry))
            {
                return null;
            }

            var path = $"{appPath}.release";
            if (Fields(entry.Value, path, ReleaseKeys) is not { } fields)
            {
                return null;
            }

            var ok = true;
            var command = Required(fields, "command", entry.Key, path) is { } c ? ReadReleaseCommand(c.Value, $"{path}.command") : null;
            var timeout = FieldValue(fields, "timeout", path, ReadReleaseTimeout, ref ok);
            return ok && command is not null ? new ReleaseSpec(command, timeout ?? ReleaseSpec.DefaultTimeout) : null;
        }

        /// <summary>A non-empty list of words, as container.command: no shell runs it, so a single string would be one program name with spaces in it.</summary>
        private List<string>? ReadReleaseCommand(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } text })
            {
                Add(node.Start, path, $"'{text}' is a single value; write the command as a list of its words, e.g. [\"bin/migrate\", \"up\"] "
                    + "(no shell runs it; for shell syntax write [\"sh\", \"-c\", \"...\"])");
                return null;
            }

            if (node is YamlSequenceNode { Children.Count: 0 })
            {
                Add(node.Start, path, "must name a program to run, e.g. [\"bin/migrate\"]; remove the release section to run none");
                return null;
            }

            return Strings(node, path);
        }

        private TimeSpan? ReadReleaseTimeout(YamlNode node, string path)
        {
            if (PositiveDuration(node, path) is not { } timeout)
            {
                return null;
            }

            if (timeout < MinReleaseTimeout || timeout > MaxReleaseTimeout)
            {
                Add(node.Start, path, "must be from 1s to 6h: past it the one-off container is killed and the deployment fails");
                return null;
            }

            return timeout;
        }
    }
}
