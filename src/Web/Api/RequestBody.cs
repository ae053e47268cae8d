using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Api;

/// <summary>Reads a JSON body so that bad JSON gets a problem that says what is wrong, not a bare 400.</summary>
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
            return (null, ApiProblems.BadRequest($"The body is not valid JSON for this request: {ex.Message}"));
        }
    }
}
