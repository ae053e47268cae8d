using Cutover.Web.Access;
using Cutover.Web.Components;
using Cutover.Web.ConsoleState;
using MudBlazor;
using MudBlazor.Services;

namespace Cutover.Web.Composition;

/// <summary>The operations console: Blazor Server and MudBlazor over the engine's services, one live view per circuit.</summary>
internal static class ConsoleComposition
{
    public static WebApplicationBuilder AddCutoverConsole(this WebApplicationBuilder builder)
    {
        // MudBlazor's CSS and JS are static web assets of its package; outside Development they are only served when asked.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Outcomes show at the bottom: at the top they covered the app page's actions, Cancel among them.
        builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
        builder.Services.AddHttpContextAccessor();
        builder.AddDataProtectionKeys();
        builder.Services.AddSingleton<AppDetails>();
        builder.Services.AddScoped<ConsoleUser>();
        builder.Services.AddScoped<ConsoleActions>();
        builder.Services.AddScoped<MaintenanceActions>();
        builder.Services.AddScoped<LiveApps>();
        builder.Services.AddScoped<DeploymentHistory>();
        builder.Services.AddScoped<AuditTrail>();
        return builder;
    }

    public static WebApplication MapCutoverConsole(this WebApplication app)
    {
        app.MapCutoverStaticAssets();
        app.MapConsoleLogin();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(ConsoleLogin.PolicyName);
        return app;
    }
}
