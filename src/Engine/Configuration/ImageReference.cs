using System.Text.RegularExpressions;

namespace Cutover.Engine.Configuration;

/// <summary>Checks a Docker image reference (<c>[registry[:port]/]path[:tag][@digest]</c>) the way the engine's grammar does.</summary>
public static partial class ImageReference
{
    private const int MaxLength = 255;

    /// <summary>How many characters of a reference an error message quotes.</summary>
    public const int MaxShownLength = 256;

    /// <summary>The reference as an error message quotes it: whole up to <see cref="MaxShownLength"/> characters, else cut and its length named.</summary>
    /// <remarks>Whatever a caller sends is echoed back and may be stored; a 5 MB "image" must not be, twice.</remarks>
    public static string Shown(string? reference) =>
        reference is null || reference.Length <= MaxShownLength
            ? reference ?? string.Empty
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{reference.AsSpan(0, MaxShownLength)}… ({reference.Length:N0} characters)");

    /// <param name="error">Why the reference is invalid, for the operator; null when valid.</param>
    public static bool IsValid(string? reference, out string? error)
    {
        error = Check(reference);
        return error is null;
    }

    private static string? Check(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return "it is empty";
        }

        if (reference.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (reference.Any(char.IsWhiteSpace))
        {
            return "it contains white space";
        }

        var rest = reference;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Digest().IsMatch(rest[(at + 1)..]))
            {
                return "the digest must be sha256: followed by 64 lowercase hex digits";
            }

            rest = rest[..at];
        }

        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            var tag = rest[(colon + 1)..];
            if (!Tag().IsMatch(tag))
            {
                return tag.Length == 0 ? "the tag after ':' is empty" : $"'{tag}' is not a valid tag (letters, digits, '_', '.', '-', up to 128, not starting with '.' or '-')";
            }

            rest = rest[..colon];
        }

        var firstSlash = rest.IndexOf('/');
        if (firstSlash > 0 && IsRegistry(rest[..firstSlash]))
        {
            if (!Registry().IsMatch(rest[..firstSlash]))
            {
                return $"'{rest[..firstSlash]}' is not a valid registry host";
            }

            rest = rest[(firstSlash + 1)..];
        }

        if (rest.Length == 0)
        {
            return "the repository name is missing";
        }

        foreach (var component in rest.Split('/'))
        {
            if (component.Any(char.IsUpper))
            {
                return "repository names must be lowercase";
            }

            if (!PathComponent().IsMatch(component))
            {
                return component.Length == 0
                    ? "the repository name has an empty path component"
                    : $"'{component}' is not a valid repository name component (lowercase letters and digits, separated by '.', '_', '__' or '-')";
            }
        }

        return null;
    }

    /// <summary>As Docker decides: the first component names a registry when it has a dot or a port, or is localhost.</summary>
    private static bool IsRegistry(string component) =>
        component.Contains('.') || component.Contains(':') || component == "localhost";

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\z")]
    private static partial Regex PathComponent();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?\z")]
    private static partial Regex Registry();

    // Docker's \w is ASCII; .NET's would also take accented letters.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex Tag();

    // Only sha256 is accepted: it is what registries hand out, and Docker refuses upper-case hex for it.
    [GeneratedRegex(@"^sha256:[a-f0-9]{64}\z")]
    private static partial Regex Digest();
}
