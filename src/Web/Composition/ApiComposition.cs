using System.Text.Json;
using System.Text.Json.Serialization;
using Cutover.Web.Access;
using Cutover.Web.Api;
using Cutover.Web.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Composition;

/// <summary>The HTTP API, its access rules (tokens, the console's cookie, rate limits) and its live events.</summary>
internal static class ApiComposition
{
    public static WebApplicationBuilder AddCutoverApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiAccessOptions>()
            .BindConfiguration(ApiAccessOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiAccessOptions>, ApiAccessOptionsValidator>();
        builder.Services.AddSingleton<AdminHosts>();
        builder.Services.AddSingleton<AdminBindCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminBindCheck>());
        var authentication = builder.Services.AddAuthentication(ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddConsoleLogin(authentication);

        // The API takes a token, or the console's cookie (so that the console's export buttons download).
        builder.Services.AddAuthorizationBuilder().SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiTokenAuthenticationHandler.SchemeName, ConsoleLogin.Scheme)
            .RequireAuthenticatedUser()
            .Build());
        builder.Services.AddMutationRateLimit();

        builder.Services.AddProblemDetails();
        // The admin listener takes small JSON bodies and forms only (the proxy's listeners have their own options).
        // RequestBody answers an API body over this with a 413 problem; elsewhere the exception handler does, keeping
        // the status of Kestrel's refusal instead of turning it into a 500.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes);
        builder.Services.Configure<ExceptionHandlerOptions>(handler =>
            handler.StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        builder.Services.AddExceptionHandler<BindingProblems>();
        builder.Services.AddExceptionHandler<DatabaseProblems>();
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json => UseApiConventions(json.SerializerOptions));
        builder.Services.AddSingleton<ConsoleHubSessions>();
        builder.Services.AddSignalR()
            .AddJsonProtocol(json => UseApiConventions(json.PayloadSerializerOptions))
            // The events hub alone: the console's circuit ends through SessionEnd, which first sends the page to the sign-in form.
            .AddHubOptions<EventsHub>(hub => hub.AddFilter<ConsoleHubSessions>());
        builder.Services.AddHostedService<EventsHubBroadcaster>();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapCutoverApi(this WebApplication app)
    {
        var api = app.MapGroup(string.Empty).RequireAuthorization();
        api.MapAppsApi();
        api.MapDeploymentsApi();
        api.MapMaintenanceApi();
        api.MapStatsApi();
        api.MapHostApi();
        api.MapAuditApi();
        api.MapNotificationsApi();
        api.MapBackupApi();
        app.MapHub<EventsHub>("/hubs/events");
        // It describes every endpoint: with tokens configured, it needs one like them.
        app.MapOpenApi().RequireAuthorization();
        return app;
    }

    /// <summary>camelCase names and snake_case enums (<c>health_checking</c>) for every JSON the host writes.</summary>
    private static void UseApiConventions(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}
