using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cutover.Engine.Secrets;

/// <summary>Masks secrets in apps.yaml text by editing only the spans of the scalars concerned, so lines, comments and order stay as written.</summary>
internal static class AppsYamlRedaction
{
    // Quoted: a plain *** would read as an alias, and the redacted text should still be YAML.
    private const string QuotedMask = "\"" + SecretRedactor.Mask + "\"";

    public static string Redact(string text, SecretSet secrets)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException)
        {
            // Not YAML (the config in force always is): mask by value, which needs no structure.
            return secrets.Redact(text);
        }

        var edits = new List<Edit>();
        foreach (var document in yaml.Documents)
        {
            Visit(document.RootNode, depth: 0, inContainer: false, secrets, edits);
        }

        var redacted = new StringBuilder(text);
        foreach (var edit in edits.OrderByDescending(e => e.Start))
        {
            // Line breaks inside a replaced multi-line value are kept, so every later line keeps its number.
            var lineBreaks = new string('\n', text.AsSpan(edit.Start, edit.End - edit.Start).Count('\n'));
            redacted.Remove(edit.Start, edit.End - edit.Start).Insert(edit.Start, edit.With + lineBreaks);
        }

        return redacted.ToString();
    }

    /// <param name="depth">0 the root, 1 the apps mapping, 2 an app, 3 an app's sections.</param>
    private static void Visit(YamlNode node, int depth, bool inContainer, SecretSet secrets, List<Edit> edits)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                    if (inContainer && name == "env" && value is YamlMappingNode env)
                    {
                        RedactEnv(env, secrets, edits);
                        continue;
                    }

                    Visit(value, depth + 1, inContainer: depth == 2 && name == "container", secrets, edits);
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    Visit(item, depth + 1, inContainer: false, secrets, edits);
                }

                break;
            case YamlScalarNode { Value: { } value } scalar:
                var masked = secrets.Redact(value);
                if (masked != value)
                {
                    edits.Add(Edit.Of(scalar, Quote(masked)));
                }

                break;
        }
    }

    private static void RedactEnv(YamlMappingNode env, SecretSet secrets, List<Edit> edits)
    {
        foreach (var (key, value) in env.Children)
        {
            if (value is not YamlScalarNode { Value: { } text } scalar)
            {
                continue;
            }

            if (secrets.IsSecretName((key as YamlScalarNode)?.Value ?? string.Empty) || secrets.IsSecretValue(text))
            {
                edits.Add(Edit.Of(scalar, QuotedMask));
            }
            else if (secrets.Redact(text) is var masked && masked != text)
            {
                edits.Add(Edit.Of(scalar, Quote(masked)));
            }
        }
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal) + "\"";

    /// <summary>Replace the characters [Start, End) of the text.</summary>
    private readonly record struct Edit(int Start, int End, string With)
    {
        public static Edit Of(YamlScalarNode scalar, string with) => new((int)scalar.Start.Index, (int)scalar.End.Index, with);
    }
}
