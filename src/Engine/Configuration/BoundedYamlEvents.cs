using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Cutover.Engine.Configuration;

/// <summary>Reads a YAML text's parse events in one flat loop, stopping at the first <see cref="AppsYamlLimits"/> bound it crosses.</summary>
/// <remarks>
/// Everything after it (the repeated-key filter, YamlDotNet's node model, the validator) walks the tree
/// recursively or expands aliases, so depth and alias expansion are bounded here, where neither costs stack
/// nor time: depth is a counter, and an alias costs the node count remembered for its anchor.
/// </remarks>
internal static class BoundedYamlEvents
{
    /// <summary>The events, or null when a bound was crossed or YamlDotNet failed (reported where that happened).</summary>
    /// <exception cref="YamlException">The text is not well-formed YAML.</exception>
    public static List<ParsingEvent>? Read(string text, TimeProvider time, Action<Mark, string> refuse)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var events = new List<ParsingEvent>();
        var started = time.GetTimestamp();

        // Nodes so far with every alias counted as a copy of its anchor's node; a collection's size is the growth while it is open.
        var nodes = 0L;
        var aliasNodes = 0L;
        var open = new Stack<Collection>();
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        while (true)
        {
            ParsingEvent current;
            try
            {
                if (!parser.MoveNext())
                {
                    break;
                }

                current = parser.Current!;
            }
            catch (Exception ex) when (ex is not YamlException and not OutOfMemoryException)
            {
                // Some malformed texts trip YamlDotNet's scanner into exceptions of other types (an InvalidOperationException
                // in ScanPlainScalar); the text is still just malformed YAML, not a reason for the host to fail.
                refuse(scanner.CurrentPosition, $"is not valid YAML here; the YAML reader stopped with: {ex.Message}");
                return null;
            }

            if (time.GetElapsedTime(started) > AppsYamlLimits.MaxReadTime)
            {
                refuse(current.Start, $"reading the file took longer than {AppsYamlLimits.MaxReadTime.TotalSeconds:0} s; it is too complex to be an apps.yaml");
                return null;
            }

            if ((current is NodeEvent or AnchorAlias) && open.TryPeek(out var parent))
            {
                parent.Children++;
            }

            switch (current)
            {
                case DocumentStart:
                    anchors.Clear();
                    break;
                case MappingStart or SequenceStart:
                    if (open.Count == AppsYamlLimits.MaxDepth)
                    {
                        refuse(current.Start, $"lists and mappings nest deeper than {AppsYamlLimits.MaxDepth} levels here; apps.yaml needs five");
                        return null;
                    }

                    open.Push(new Collection(AnchorOf((NodeEvent)current), nodes));
                    nodes++;
                    break;
                case MappingEnd or SequenceEnd:
                    var closed = open.Pop();
                    if (current is MappingEnd && closed.Children % 2 != 0)
                    {
                        // YamlDotNet lets some malformed texts through as a key with no value; everything after it relies on pairs.
                        refuse(current.Start, "a key has no value before the mapping ends here");
                        return null;
                    }

                    if (closed.Anchor is not null)
                    {
                        anchors[closed.Anchor] = nodes - closed.NodesBefore;
                    }

                    break;
                case Scalar scalar:
                    nodes++;
                    if (AnchorOf(scalar) is { } scalarAnchor)
                    {
                        anchors[scalarAnchor] = 1;
                    }

                    break;
                case AnchorAlias alias:
                    var name = alias.Value.Value;
                    if (!anchors.TryGetValue(name, out var size))
                    {
                        refuse(current.Start, open.Any(o => o.Anchor == name)
                            ? $"the alias '*{name}' is inside the node its anchor '&{name}' names; a node cannot contain itself"
                            : $"the alias '*{name}' names no anchor '&{name}' defined before it");
                        return null;
                    }

                    nodes += size;
                    aliasNodes += size;
                    if (aliasNodes > AppsYamlLimits.MaxAliasNodes)
                    {
                        refuse(current.Start, $"aliases ('*{name}') repeat more than {AppsYamlLimits.MaxAliasNodes} nodes in all; write the settings out or use fewer aliases");
                        return null;
                    }

                    break;
            }

            events.Add(current);
        }

        return events;
    }

    /// <summary>A list or mapping still open: its anchor, the node count when it opened, and its children so far.</summary>
    private sealed class Collection(string? anchor, long nodesBefore)
    {
        public string? Anchor { get; } = anchor;

        public long NodesBefore { get; } = nodesBefore;

        public int Children { get; set; }
    }

    private static string? AnchorOf(NodeEvent node) => node.Anchor.IsEmpty ? null : node.Anchor.Value;
}
