using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Cutover.Tests.Unit.Cli;

/// <summary>A stand-in for the host's HTTP API: canned answers per "METHOD path", and every request it saw.</summary>
/// <remarks>Only for the CLI's own logic (parsing, rendering, exit codes); the e2e tests talk to a real host.</remarks>
public sealed class FakeApi : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Queue<Func<HttpResponseMessage>>> _answers = new();

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    /// <summary>Answers "GET api/apps" (path and query, without the leading slash); several calls queue answers in order, the last repeats.</summary>
    public FakeApi On(string route, HttpStatusCode status, string body, string contentType = "application/json", Action<HttpResponseMessage>? configure = null)
    {
        _answers.GetOrAdd(route, _ => new Queue<Func<HttpResponseMessage>>()).Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            configure?.Invoke(response);
            return response;
        });
        return this;
    }

    public FakeApi OnJson(string route, string body, HttpStatusCode status = HttpStatusCode.OK) => On(route, status, body);

    public FakeApi OnProblem(string route, HttpStatusCode status, string title, string detail) =>
        On(route, status, $$"""{"type":"about:blank","title":"{{title}}","status":{{(int)status}},"detail":"{{detail}}"}""", "application/problem+json");

    public FakeApi OnEvents(string route, string sse) => On(route, HttpStatusCode.OK, sse, "text/event-stream");

    public Recorded Single(string route) => Requests.Single(r => r.Route == route);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var route = $"{request.Method} {request.RequestUri!.PathAndQuery.TrimStart('/')}";
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new Recorded(route, body, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)));
        if (!_answers.TryGetValue(route, out var answers))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent($"no fake answer for {route}") };
        }

        lock (answers)
        {
            var answer = answers.Count > 1 ? answers.Dequeue() : answers.Peek();
            var response = answer();
            response.RequestMessage = request;
            return response;
        }
    }

    public sealed record Recorded(string Route, string? Body, IReadOnlyDictionary<string, string> Headers);
}

/// <summary>Refuses every connection, as when no host listens.</summary>
public sealed class UnreachableHost : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5080)");
}
