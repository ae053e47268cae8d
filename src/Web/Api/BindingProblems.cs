using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Cutover.Web.Api;

/// <summary>Turns a parameter the API could not bind (<c>?limit=abc</c>) into a problem that names the parameter, not its .NET type.</summary>
/// <remarks>
/// Minimal APIs say <c>Failed to bind parameter "int limit" from "abc".</c>; outside Development they say nothing at
/// all (a bare 400). The endpoints throw (RouteHandlerOptions.ThrowOnBadRequest) so that this handler can answer.
/// </remarks>
internal sealed partial class BindingProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "Bad request" : null,
                Detail = Describe(bad.Message),
            },
        });
    }

    internal static string Describe(string message)
    {
        if (FailedToBind().Match(message) is { Success: true } failed)
        {
            var value = failed.Groups["value"].Value;
            return $"\"{failed.Groups["name"].Value}\" must be {Kind(failed.Groups["type"].Value)}, not \"{(value.Length <= 64 ? value : value[..64] + "…")}\".";
        }

        if (Required().Match(message) is { Success: true } missing)
        {
            return $"\"{missing.Groups["name"].Value}\" is required.";
        }

        // Any other message names a parameter as "Type name": keep the name only.
        return TypedName().Replace(message, match => $"\"{match.Groups["name"].Value}\"");
    }

    private static string Kind(string type) => type.TrimEnd('?') switch
    {
        "int" or "long" or "short" or "Int32" or "Int64" or "Int16" => "a whole number",
        "bool" or "Boolean" => "true or false",
        "double" or "float" or "decimal" or "Double" or "Single" or "Decimal" => "a number",
        "DateTimeOffset" or "DateTime" => "a date and time (ISO 8601)",
        _ => "a valid value",
    };

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>[^""]+) (?<name>[^"" ]+)"" from ""(?<value>.*)""\.$", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex(@"^Required parameter ""(?<type>[^""]+) (?<name>[^"" ]+)"" was not provided")]
    private static partial Regex Required();

    [GeneratedRegex(@"""(?<type>[^"" ]+) (?<name>[^"" ]+)""")]
    private static partial Regex TypedName();
}
