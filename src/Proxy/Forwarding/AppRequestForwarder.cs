using System.Net;
using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Cutover.Proxy.Forwarding;

/// <summary>Sends one request to its application's active slot, counting it there until it ends.</summary>
/// <remarks>
/// Cutover uses YARP's <see cref="IHttpForwarder"/> rather than the full routing pipeline: every listener
/// belongs to exactly one application, the "cluster" is one active slot that changes only by an explicit
/// switch, and the proxy must count and abort exchanges per slot. Route matching, load balancing, health
/// probes and config providers would all be bypassed anyway, and each costs time on every request.
/// </remarks>
internal sealed partial class AppRequestForwarder
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly ILogger<AppRequestForwarder> _logger;

    public AppRequestForwarder(IHttpForwarder forwarder, IOptions<ProxyOptions> options, ILogger<AppRequestForwarder> logger)
    {
        _forwarder = forwarder;
        _logger = logger;
        _client = BackendClientFactory.Create(options);
        _requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = options.Value.ActivityTimeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            AllowResponseBuffering = false,
        };
    }

    public async Task ForwardAsync(ProxiedApp app, HttpContext context)
    {
        while (true)
        {
            var route = app.Route;
            if (route.Active is not { } target)
            {
                await WriteNoBackendAsync(app, context);
                return;
            }

            using var lease = target.Enter(context);
            if (!ReferenceEquals(route, app.Route))
            {
                // A switch landed between reading the route and being counted: the old slot may already be
                // draining with a count that missed us, so go round again on the new route.
                continue;
            }

            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                context.Features.Set<IHttpUpgradeFeature>(new UpgradeTrackingFeature(upgrade, lease));
            }

            var error = await _forwarder.SendAsync(context, target.DestinationPrefix, _client, _requestConfig, ForwardedHeadersTransformer.Instance);
            if (error != ForwarderError.None)
            {
                await ReportErrorAsync(app, target, context, error);
            }

            return;
        }
    }

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
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.UpgradeRequestCanceled
            || context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a drain deadline aborted it): nothing to answer, nothing wrong upstream.
            Log.ClientAborted(_logger, app.Config.App, target.Slot, error);
            return;
        }

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
    }
}
