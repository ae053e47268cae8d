using System.Text.Json;
using System.Text.Json.Serialization;
using Cutover.Engine;
using Cutover.Engine.Traffic;
using Cutover.Web.Api;

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

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        return builder;
    }

    public static WebApplication MapCutover(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapAppsApi();
        app.MapDeploymentsApi();
        app.MapGet("/healthz", () => TypedResults.Ok("ok")).ExcludeFromDescription();
        return app;
    }
}
