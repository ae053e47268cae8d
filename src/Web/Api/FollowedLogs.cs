using Cutover.Engine.Runtime;
using System.Reflection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cutover.Web.Api;

/// <summary>A container's output (secrets already masked) as plain text, a line as soon as the container writes it, like <c>docker logs -f</c>.</summary>
/// <remarks>
/// The stream ends when the container stops, the client goes away or the host shuts down. Docker opens the
/// stream lazily, so the first line is awaited for a moment before the 200 goes out: a missing container or an
/// unreachable engine still gets its 503 problem, while a quiet container does not hold the headers back.
/// </remarks>
internal sealed class FollowedLogs(IAsyncEnumerable<string> lines) : IResult, IEndpointMetadataProvider
{
    private static readonly TimeSpan OpenGrace = TimeSpan.FromSeconds(1);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]));

    public async Task ExecuteAsync(HttpContext context)
    {
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = ended.Token;
        await using var reader = lines.GetAsyncEnumerator(cancellationToken);

        var first = reader.MoveNextAsync().AsTask();
        await Task.WhenAny(first, Task.Delay(OpenGrace, cancellationToken)).ConfigureAwait(false);
        if (first.IsFaulted && first.Exception.InnerException is ContainerRuntimeException refused)
        {
            await ApiProblems.RuntimeUnavailable(refused.Message).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.StartAsync(cancellationToken);
        try
        {
            for (var more = await first; more; more = await reader.MoveNextAsync())
            {
                await context.Response.WriteAsync(reader.Current + "\n", cancellationToken);
                await context.Response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the host is stopping: the stream just ends.
        }
        catch (ContainerRuntimeException)
        {
            // Docker dropped the stream after it started; the 200 is out, so ending the body is all that is left to say.
        }
    }
}
