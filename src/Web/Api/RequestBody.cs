using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Api;

/// <summary>Reads a JSON body so that bad JSON gets a problem that names the field and what it should be, not a bare 400.</summary>
internal static class RequestBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, bool required, CancellationToken cancellationToken)
        where T : class
    {
        var request = context.Request;
        var empty = request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true));
        if (empty)
        {
            return required ? (null, ApiProblems.BadRequest("The request needs a JSON body.")) : (null, null);
        }

        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, json, cancellationToken);
            return value is null && required ? (null, ApiProblems.BadRequest("The body is JSON null; send a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.BadRequest(Describe<T>(ex)));
        }
    }

    /// <summary>What is wrong, by field: System.Text.Json's own message names .NET types (DeployBody, System.String).</summary>
    internal static string Describe<T>(JsonException error)
    {
        // A reader error (the text is not JSON) wraps the reader's message, which speaks of JSON only.
        if (error.InnerException is JsonException reader)
        {
            return $"The body is not valid JSON: {reader.Message}";
        }

        var field = FieldOf(error.Path);
        if (field is null)
        {
            return "The body must be a JSON object, e.g. {\"image\": \"shop:1.4.2\"}.";
        }

        var property = typeof(T).GetProperty(field, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is null
            ? $"\"{field}\" has a value this request cannot take."
            : $"\"{field}\" must be {Kind(property.PropertyType)}.";
    }

    /// <summary>The top-level field of a path such as <c>$.image</c> or <c>$['odd name']</c>; null for the body itself.</summary>
    private static string? FieldOf(string? path)
    {
        if (path is null or "$" || !path.StartsWith('$'))
        {
            return null;
        }

        var rest = path[1..];
        if (rest.StartsWith("['", StringComparison.Ordinal) && rest.IndexOf("']", StringComparison.Ordinal) is > 2 and var end)
        {
            return rest[2..end];
        }

        rest = rest.TrimStart('.');
        var stop = rest.IndexOfAny(['.', '[']);
        return (stop < 0 ? rest : rest[..stop]) is { Length: > 0 } name ? name : null;
    }

    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) ? "a string"
            : type == typeof(bool) ? "true or false"
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type.IsPrimitive || type == typeof(decimal) ? "a number"
            : "a JSON object";
    }
}
