using System.Text.Json;
using System.Text.Json.Serialization;
using Cutover.Engine;
using Cutover.Engine.Traffic;
using Cutover.Web.Access;
using Cutover.Web.Api;
using Cutover.Web.Components;
using Cutover.Web.ConsoleState;
using Cutover.Web.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Cutover.Web.Composition;

/// <summary>How the host is put together: the engine, the proxy, the API and the admin listener.</summary>
public static class CutoverHostExtensions
{
    public static WebApplicationBuilder AddCutover(this WebApplicationBuilder builder)
    {
        var adminUrl = builder.Configuration[$"{EngineOptions.SectionName}:{nameof(EngineOptions.AdminUrl)}"] ?? new EngineOptions().AdminUrl;
        builder.WebHost.UseUrls(adminUrl);

        builder.Services.AddCutoverEngine();
        builder.Services.AddCutoverProxy();
        builder.Services.AddSingleton<ITrafficSwitch, ProxyTrafficSwitch>();
        builder.Services.AddSingleton(new HostStart(TimeProvider.System.GetUtcNow()));

        builder.Services.AddOptions<ApiAccessOptions>()
            .BindConfiguration(ApiAccessOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiAccessOptions>, ApiAccessOptionsValidator>();
        var authentication = builder.Services.AddAuthentication(ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddConsoleLogin(authentication);

        // The API takes a token, or the console's cookie (so that the console's export buttons download).
        builder.Services.AddAuthorizationBuilder().SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiTokenAuthenticationHandler.SchemeName, ConsoleLogin.Scheme)
            .RequireAuthenticatedUser()
            .Build());
        builder.Services.AddMutationRateLimit();

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => UseApiConventions(json.SerializerOptions));
        builder.Services.AddSignalR().AddJsonProtocol(json => UseApiConventions(json.PayloadSerializerOptions));
        builder.Services.AddHostedService<EventsHubBroadcaster>();
        builder.Services.AddOpenApi();

        // The console: Blazor Server over the same engine services, one LiveApps per circuit.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ConsoleUser>();
        builder.Services.AddScoped<ConsoleActions>();
        builder.Services.AddScoped<LiveApps>();
        builder.Services.AddSingleton<AppDetails>();
        builder.Services.AddScoped<DeploymentHistory>();
        builder.Services.AddScoped<AuditTrail>();
        return builder;
    }

    public static WebApplication MapCutover(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        var api = app.MapGroup(string.Empty).RequireAuthorization();
        api.MapAppsApi();
        api.MapDeploymentsApi();
        api.MapStatsApi();
        api.MapHostApi();
        api.MapAuditApi();
        app.MapHub<EventsHub>("/hubs/events");

        app.MapOpenApi();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapConsoleLogin();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(ConsoleLogin.PolicyName);
        app.MapGet("/healthz", () => TypedResults.Ok("ok")).ExcludeFromDescription();
        return app;
    }

    /// <summary>camelCase names and snake_case enums (<c>health_checking</c>) for every JSON the host writes.</summary>
    private static void UseApiConventions(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}
