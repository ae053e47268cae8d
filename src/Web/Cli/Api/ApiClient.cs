using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cutover.Engine.Model;
using Cutover.Web.Cli.Api.Models;
using Cutover.Web.Cli.Events;

namespace Cutover.Web.Cli.Api;

/// <summary>The host's HTTP API (docs/api.md) as typed calls; every error becomes an exception the CLI maps to an exit code.</summary>
/// <remarks>
/// One client per invocation, disposed with it. Ordinary calls get <see cref="RequestTimeout"/>; streams (deployment
/// events, audit export) run until they end or the caller cancels.
/// </remarks>
public sealed partial class ApiClient : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public ApiClient(HttpMessageHandler handler, Uri host, string? token)
    {
        Host = host;
        _http = new HttpClient(handler) { BaseAddress = host, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("cutover-cli", typeof(ApiClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Host { get; }

    public Task<ApiResult<HostStatus>> StatusAsync(CancellationToken cancellationToken) =>
        GetAsync<HostStatus>("api/status", cancellationToken);

    public Task<ApiResult<IReadOnlyList<AppSummary>>> AppsAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<AppSummary>>("api/apps", cancellationToken);

    public Task<ApiResult<AppSummary>> AppAsync(string app, CancellationToken cancellationToken) =>
        GetAsync<AppSummary>($"api/apps/{Segment(app)}", cancellationToken);

    public Task<ApiResult<IReadOnlyList<HealthCheck>>> HealthAsync(string app, int? limit, Slot? slot, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<HealthCheck>>(Query($"api/apps/{Segment(app)}/health", ("limit", limit?.ToString()), ("slot", slot?.Name())), cancellationToken);

    public Task<ApiResult<ContainerLogs>> LogsAsync(string app, Slot? slot, int? tail, CancellationToken cancellationToken) =>
        GetAsync<ContainerLogs>(Query($"api/apps/{Segment(app)}/logs", ("slot", slot?.Name()), ("tail", tail?.ToString())), cancellationToken);

    public Task<ApiResult<DeploymentStats>> StatsAsync(string app, CancellationToken cancellationToken) =>
        GetAsync<DeploymentStats>($"api/apps/{Segment(app)}/stats", cancellationToken);

    public Task<ApiResult<IReadOnlyList<DeploymentStats>>> StatsAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<DeploymentStats>>("api/stats", cancellationToken);

    public Task<ApiResult<Deployment>> DeploymentAsync(long id, CancellationToken cancellationToken) =>
        GetAsync<Deployment>($"api/deployments/{id}", cancellationToken);

    /// <summary>History, newest first, for one app or all.</summary>
    public async Task<ApiResult<DeploymentPage>> HistoryAsync(string? app, string? status, int? skip, int? take, CancellationToken cancellationToken)
    {
        var path = app is null ? "api/deployments" : $"api/apps/{Segment(app)}/deployments";
        var answer = await GetAsync<JsonElement>(Query(path, ("status", status), ("skip", skip?.ToString()), ("take", take?.ToString())), cancellationToken);

        // Hosts before the paged contract answered a bare array.
        var page = answer.Value.ValueKind == JsonValueKind.Array
            ? new DeploymentPage(ApiJson.Read<IReadOnlyList<Deployment>>(answer.Value), answer.Value.GetArrayLength(), skip ?? 0, take ?? answer.Value.GetArrayLength())
            : ApiJson.Read<DeploymentPage>(answer.Value);
        return new ApiResult<DeploymentPage>(page, answer.Json, answer.Status);
    }

    public Task<ApiResult<Deployment>> DeployAsync(string app, DeployRequest request, string? idempotencyKey, CancellationToken cancellationToken) =>
        PostAsync<Deployment>($"api/apps/{Segment(app)}/deployments", request, idempotencyKey, cancellationToken);

    public Task<ApiResult<Deployment>> RedeployAsync(string app, string? reason, CancellationToken cancellationToken) =>
        PostAsync<Deployment>($"api/apps/{Segment(app)}/redeploy", new ReasonRequest(reason), null, cancellationToken);

    /// <param name="to">A deployment id (<see cref="long"/>) or an image (<see cref="string"/>); null for the previous release.</param>
    public Task<ApiResult<Deployment>> RollbackAsync(string app, string? reason, object? to, CancellationToken cancellationToken) =>
        PostAsync<Deployment>($"api/apps/{Segment(app)}/rollback", new RollbackRequest(reason, to), null, cancellationToken);

    /// <summary>Where a rollback would go now, without doing it.</summary>
    /// <param name="to">As the CLI's <c>--to</c>: all digits name a deployment, anything else an image.</param>
    public Task<ApiResult<RollbackPlan>> RollbackPlanAsync(string app, string? to, CancellationToken cancellationToken) =>
        GetAsync<RollbackPlan>(Query($"api/apps/{Segment(app)}/rollback", ("to", to)), cancellationToken);

    public Task<ApiResult<Deployment>> CancelAsync(long id, CancellationToken cancellationToken) =>
        PostAsync<Deployment>($"api/deployments/{id}/cancel", null, null, cancellationToken);

    public Task<ApiResult<Deployment>> PromoteAsync(long id, bool full, CancellationToken cancellationToken) =>
        PostAsync<Deployment>($"api/deployments/{id}/promote{(full ? "?full=true" : string.Empty)}", null, null, cancellationToken);

    public Task<ApiResult<Deployment>> AbortAsync(long id, CancellationToken cancellationToken) =>
        PostAsync<Deployment>($"api/deployments/{id}/abort", null, null, cancellationToken);

    public Task<ApiResult<AuditVerification>> VerifyAuditAsync(CancellationToken cancellationToken) =>
        GetAsync<AuditVerification>("api/audit/verify", cancellationToken);

    /// <summary>Streams the matching audit entries into <paramref name="destination"/> as the host writes them.</summary>
    /// <returns>How many bytes were written.</returns>
    public async Task<long> ExportAuditAsync(AuditQuery query, Stream destination, CancellationToken cancellationToken)
    {
        var path = Query("api/audit", ("from", query.From?.UtcDateTime.ToString("O")), ("to", query.To?.UtcDateTime.ToString("O")), ("app", query.App), ("format", query.Format));
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, RequestTimeout, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var before = destination.CanSeek ? destination.Position : 0;
        await body.CopyToAsync(destination, cancellationToken);
        return destination.CanSeek ? destination.Position - before : -1;
    }

    /// <summary>The slot container's last lines, then each line as it writes it, until it stops or the connection ends.</summary>
    public async IAsyncEnumerable<string> FollowLogsAsync(string app, Slot? slot, int? tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = Query($"api/apps/{Segment(app)}/logs", ("slot", slot?.Name()), ("tail", tail?.ToString()), ("follow", "true"));
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead, RequestTimeout, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (line is null)
            {
                yield break;
            }

            yield return line;
        }
    }

    /// <summary>The deployment's events until it ends (or the connection drops: the caller decides whether to re-subscribe).</summary>
    public async IAsyncEnumerable<LiveEvent> DeploymentEventsAsync(long id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, $"api/deployments/{id}/events") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("text/event-stream") } } },
            HttpCompletionOption.ResponseHeadersRead,
            RequestTimeout,
            cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var events = DeploymentEventStream.ReadAsync(body, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                // The connection dropped mid-stream (host restarted, proxy timeout): the stream simply ended.
                yield break;
            }

            yield return events.Current;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseContentRead, RequestTimeout, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<ApiResult<T>> PostAsync<T>(string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: ApiJson.Options) };
                if (idempotencyKey is not null)
                {
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                }

                return request;
            },
            HttpCompletionOption.ResponseContentRead,
            RequestTimeout,
            cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private static async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        T value;
        try
        {
            value = ApiJson.Read<T>(json);
        }
        catch (JsonException ex)
        {
            throw new ApiProblemException(HttpStatusCode.BadGateway, "Unexpected answer", $"{response.RequestMessage?.RequestUri} answered JSON this CLI cannot read ({ex.Message}); is --url a Cutover host of a matching version?");
        }

        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
        return new ApiResult<T>(value, json, response.StatusCode, replayed);
    }

    /// <summary>Sends, turning "no answer" into <see cref="HostUnreachableException"/> and error answers into <see cref="ApiProblemException"/>.</summary>
    /// <param name="timeout">How long to wait for the answer's headers.</param>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, HttpCompletionOption completion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = create();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, deadline.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new HostUnreachableException(Host, ex.InnerException?.Message ?? ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostUnreachableException(Host, $"no answer within {timeout.TotalSeconds:0} s", ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProblemFromAsync(response, cancellationToken);
            }
        }

        return response;
    }

    private static async Task<ApiProblemException> ProblemFromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Problem? problem = null;
        try
        {
            problem = text.Length > 0 ? JsonSerializer.Deserialize<Problem>(text, ApiJson.Options) : null;
        }
        catch (JsonException)
        {
        }

        var title = problem?.Title ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var detail = problem?.Detail ?? (problem is null && text.Length is > 0 and < 500 ? text.Trim() : null);
        if (problem?.Detail is null && response.StatusCode == HttpStatusCode.NotFound && response.RequestMessage is { } request)
        {
            // No problem document: the route itself is missing, not the app or deployment it names.
            detail = $"{request.Method} {request.RequestUri?.AbsolutePath} is not served by this host; is it older than this CLI?";
        }
        if (problem?.RunningDeployment is { } running)
        {
            detail = $"{detail} (under way: {running})".TrimStart();
        }

        var retryAfter = response.Headers.RetryAfter?.Delta;
        // The host's own rate-limit detail already says when (e.g. "retry in 60 s."): say it once.
        if (retryAfter is { } wait && detail?.Contains("retry in", StringComparison.OrdinalIgnoreCase) != true)
        {
            detail = $"{detail} Retry in {wait.TotalSeconds:0} s.".TrimStart();
        }

        return new ApiProblemException(response.StatusCode, title, detail, retryAfter);
    }

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return present.Length == 0 ? path : $"{path}?{string.Join('&', present)}";
    }
}
