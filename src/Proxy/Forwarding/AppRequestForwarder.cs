using System.Net;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Telemetry;
using Cutover.Proxy.Traffic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Cutover.Proxy.Forwarding;

/// <summary>Sends one request to its application's routed slot (or the one a split picks), counting it there until it ends.</summary>
/// <remarks>
/// Cutover uses YARP's <see cref="IHttpForwarder"/> rather than the full routing pipeline: every listener
/// belongs to exactly one application, the "cluster" is one active slot that changes only by an explicit
/// switch, and the proxy must count and abort exchanges per slot. Route matching, load balancing, health
/// probes and config providers would all be bypassed anyway, and each costs time on every request.
/// <para>
/// Idle limits: YARP's activity timeout (100 s by default) covers the whole exchange, an upgraded tunnel
/// included, and would cut a quiet WebSocket or event stream outside any drain. So a request that asks for one
/// (<see cref="LongLivedRequest"/>) gets the app's <see cref="AppProxyConfig.IdleTimeout"/>, by default none,
/// while an ordinary request keeps the host's <see cref="ProxyOptions.ActivityTimeout"/>: a backend that
/// stops answering a plain request still ends in a 504 rather than holding the client forever. With none, a
/// handshake or event-stream request the backend never answers waits until the client gives up. Drains do not
/// depend on either; they abort what is left at their own deadlines.
/// </para>
/// </remarks>
internal sealed partial class AppRequestForwarder
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly ForwarderRequestConfig _unlimitedStreamConfig;
    private readonly TimeProvider _time;
    private readonly ILogger<AppRequestForwarder> _logger;

    public AppRequestForwarder(IHttpForwarder forwarder, IOptions<ProxyOptions> options, TimeProvider time, ILogger<AppRequestForwarder> logger)
    {
        _forwarder = forwarder;
        _time = time;
        _logger = logger;
        _client = BackendClientFactory.Create(options);
        _requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = options.Value.ActivityTimeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            AllowResponseBuffering = false,
        };
        // YARP hands the timeout to CancellationTokenSource.CancelAfter, for which -1 ms means no timer at all.
        _unlimitedStreamConfig = _requestConfig with { ActivityTimeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>A request of the app's production listener: to the routed slot, or the one the split picks.</summary>
    public Task ForwardAsync(ProxiedApp app, HttpContext context) => ForwardAsync(app, context, preview: false);

    /// <summary>A request of the app's preview listener: to the preview slot, whatever the route.</summary>
    /// <remarks>Counted and measured on that slot like any of its requests: it is that version's traffic.</remarks>
    public Task ForwardPreviewAsync(ProxiedApp app, HttpContext context) => ForwardAsync(app, context, preview: true);

    // One method for both listeners: a second async layer would cost an allocation per request.
    private async Task ForwardAsync(ProxiedApp app, HttpContext context, bool preview)
    {
        var startedAt = _time.GetTimestamp();
        while (true)
        {
            var route = app.Route;
            string? stickyCookie = null;
            var chosen = preview ? app.TargetOf(app.PreviewSlot) : route.Choose(context.Request, out stickyCookie);
            if (chosen is not { } target)
            {
                app.Telemetry.RecordNoBackend();
                await WriteNoBackendAsync(app, context);
                return;
            }

            using var lease = target.Enter(context);
            if (!preview && !ReferenceEquals(route, app.Route))
            {
                // A switch landed between reading the route and being counted: the old slot may already be
                // draining with a count that missed us, so go round again on the new route.
                continue;
            }

            if (stickyCookie is not null)
            {
                // YARP appends the backend's own Set-Cookie headers to this one.
                context.Response.Headers.Append(HeaderNames.SetCookie, stickyCookie);
            }

            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new UpgradeTrackingFeature(upgrade, lease));
            }

            var telemetry = app.Telemetry.Of(target.Slot);
            CountBodies(context, telemetry);
            var longLived = LongLivedRequest.Matches(context);
            var idleTimeout = app.Config.IdleTimeout;
            var config = !longLived ? _requestConfig
                : idleTimeout is { } limit ? _requestConfig with { ActivityTimeout = limit }
                : _unlimitedStreamConfig;

            var error = await _forwarder.SendAsync(context, target.DestinationPrefix, _client, config, app.Headers);
            if (error == ForwarderError.None)
            {
                telemetry.RecordAnswer(context.Response.StatusCode, startedAt, _time.GetTimestamp(), timed: !longLived);
                return;
            }

            if (longLived && idleTimeout is { } cut && IsIdleCut(error, context))
            {
                Log.IdleClosed(_logger, app.Config.App, target.Slot, cut);
                telemetry.RecordAnswer(context.Response.StatusCode, startedAt, _time.GetTimestamp(), timed: false);
                return;
            }

            if (IsClientAbort(error, context))
            {
                // The client went away (or a drain deadline aborted it): nothing to answer, nothing wrong upstream.
                Log.ClientAborted(_logger, app.Config.App, target.Slot, error);
                telemetry.RecordAborted(_time.GetTimestamp());
                return;
            }

            // Once the answer has started, YARP can only cut the client off: that is a 502 all the same.
            var status = context.Response.HasStarted ? StatusCodes.Status502BadGateway : context.Response.StatusCode;
            await ReportErrorAsync(app, target, context, error);
            telemetry.RecordProxyError(status, startedAt, _time.GetTimestamp());
            return;
        }
    }

    /// <summary>Counts the request body (when there can be one) and the response body as they stream through.</summary>
    private static void CountBodies(HttpContext context, SlotTelemetry telemetry)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
        {
            context.Request.Body = new CountingRequestBody(context.Request.Body, telemetry);
        }

        if (context.Features.Get<IHttpResponseBodyFeature>() is { } responseBody)
        {
            context.Features.Set<IHttpResponseBodyFeature>(new CountingResponseBody(responseBody, telemetry));
        }
    }

    private static bool IsClientAbort(ForwarderError error, HttpContext context) =>
        error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.UpgradeRequestCanceled
        || context.RequestAborted.IsCancellationRequested;

    /// <summary>YARP cancelled the exchange although the client is still there: its activity timeout ran out.</summary>
    /// <remarks>
    /// An event stream cut this way is aborted by YARP itself, which looks like a client that went away and is
    /// logged as one; a tunnel is closed without an abort and is told apart here.
    /// </remarks>
    private static bool IsIdleCut(ForwarderError error, HttpContext context) =>
        (error is ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled or ForwarderError.ResponseBodyCanceled)
        && !context.RequestAborted.IsCancellationRequested;

    private static Task WriteNoBackendAsync(ProxiedApp app, HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync($"503 Service Unavailable: no healthy backend for '{app.Config.App}'.\n");
    }

    private async Task ReportErrorAsync(ProxiedApp app, SlotTarget target, HttpContext context, ForwarderError error)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        Log.BackendFailed(_logger, app.Config.App, target.Slot, target.Port, error, exception?.Message);
        if (!context.Response.HasStarted)
        {
            // YARP has already chosen the status (502, or 504 when the backend went silent); say why in a line.
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"{context.Response.StatusCode} {ReasonPhrase(context.Response.StatusCode)}: the {target.Slot.ToString().ToLowerInvariant()} slot of '{app.Config.App}' did not answer ({error}).\n");
        }
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Forwarding to {App} ({Slot}, 127.0.0.1:{Port}) failed: {Error} {Reason}")]
        public static partial void BackendFailed(ILogger logger, string app, Slot slot, int port, ForwarderError error, string? reason);

        [LoggerMessage(2, LogLevel.Debug, "Client of {App} ({Slot}) went away: {Error}")]
        public static partial void ClientAborted(ILogger logger, string app, Slot slot, ForwarderError error);

        [LoggerMessage(3, LogLevel.Information, "Closed a WebSocket or stream of {App} ({Slot}) silent for its idle_timeout of {IdleTimeout}")]
        public static partial void IdleClosed(ILogger logger, string app, Slot slot, TimeSpan idleTimeout);
    }
}
