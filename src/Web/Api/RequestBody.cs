using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Api;

/// <summary>Reads a JSON body so that bad JSON gets a problem that names the field and what it should be, not a bare 400.</summary>
internal static class RequestBody
{
    /// <summary>The largest body the API reads (64 KB): every request it takes is a few small fields.</summary>
    public const long MaxBytes = 64 * 1024;

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context, bool required, CancellationToken cancellationToken)
        where T : class
    {
        var request = context.Request;
        // Kestrel's own limit (the same 64 KB) is lifted for this request and enforced here instead: a body Kestrel
        // refuses is left unread and the connection closed, which resets a client still sending it before it can
        // read the 413. Left unread here, the rest is drained and thrown away by Kestrel after the answer (for at
        // most five seconds), so the client gets its problem.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        if (request.ContentLength > MaxBytes)
        {
            // Answered before reading: a client sending Expect: 100-continue is not even asked for the body.
            return (null, TooLarge(request.ContentLength));
        }

        var empty = request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true));
        if (empty)
        {
            return required ? (null, ApiProblems.BadRequest("The request needs a JSON body.")) : (null, null);
        }

        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            // A chunked body has no length to check first: it is cut off once it passes the bound.
            await using var body = new BoundedStream(request.Body, MaxBytes);
            var value = await JsonSerializer.DeserializeAsync<T>(body, json, cancellationToken);
            return value is null && required ? (null, ApiProblems.BadRequest("The body is JSON null; send a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.BadRequest(Describe<T>(ex)));
        }
        catch (Exception ex) when (ex is BodyTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return (null, TooLarge(null));
        }
    }

    private static ProblemHttpResult TooLarge(long? length) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: length is { } bytes
            ? string.Create(CultureInfo.InvariantCulture, $"The body is {bytes:N0} bytes; the API reads at most {MaxBytes:N0} bytes (64 KB).")
            : string.Create(CultureInfo.InvariantCulture, $"The body is longer than {MaxBytes:N0} bytes (64 KB), the most the API reads."));

    private sealed class BodyTooLargeException : Exception;

    /// <summary>Reads the request body until more than <c>max</c> bytes came, then throws instead of reading on.</summary>
    private sealed class BoundedStream(Stream inner, long max) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        // The request's own stream is not disposed here: it belongs to the server.
        protected override void Dispose(bool disposing)
        {
        }

        private int Count(int read)
        {
            _read += read;
            return _read > max ? throw new BodyTooLargeException() : read;
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
