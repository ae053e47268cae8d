using System.Text.RegularExpressions;

namespace Cutover.Engine.Secrets;

/// <summary>Finds and masks the password of a URL's user information (<c>postgres://app:s3cret@db/shop</c>).</summary>
/// <remarks>
/// Such a URL carries its secret whatever the variable holding it is called (<c>DATABASE_URL</c>, <c>BROKER</c>), and
/// a driver's error, quoted by a container's output, often repeats it. The scheme, user and host stay readable;
/// the password alone becomes <c>***</c>. A URL's password cannot hold a literal <c>@</c>, <c>/</c>, <c>?</c> or <c>#</c>
/// (they are percent-encoded), which is what tells where it ends.
/// </remarks>
internal static partial class UrlCredentials
{
    public static string Mask(string text) =>
        text.Contains("://", StringComparison.Ordinal) ? Credentials().Replace(text, "${prefix}" + SecretRedactor.Mask + "@") : text;

    /// <summary>Every password found in URLs in the text (to mask where it shows up on its own too).</summary>
    public static IEnumerable<string> Passwords(string text) =>
        text.Contains("://", StringComparison.Ordinal)
            ? Credentials().Matches(text).Select(m => m.Groups["password"].Value)
            : [];

    // scheme "://" user ":" password "@": the user may be empty (redis://:password@host). Without backtracking, the
    // time is linear in the text: it runs over every line of container output shown or stored.
    [GeneratedRegex(@"(?<prefix>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@\[\]]*:)(?<password>[^\s/?#@]+)@", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Credentials();
}
