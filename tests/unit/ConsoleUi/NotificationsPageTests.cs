using Bunit;
using Cutover.Engine.Notifications;
using Cutover.Web.Components.Pages;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Cutover.Tests.Unit.ConsoleUi;

/// <summary>The /notifications page: the last webhook deliveries, kept live without polling.</summary>
public sealed class NotificationsPageTests : BunitContext, IAsyncLifetime
{
    private readonly WebhookDeliveries _deliveries = new();

    public NotificationsPageTests()
    {
        Services.AddMudServices();
        Services.AddSingleton(_deliveries);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public void Page_WithoutDeliveries_SaysSo()
    {
        var page = Render<NotificationsPage>();

        Assert.Equal("No delivery yet.", page.Find("[data-test=no-deliveries]").TextContent.Trim());
    }

    [Fact]
    public void Page_ShowsADeliveryAndFollowsItsRetriesLive()
    {
        var page = Render<NotificationsPage>();

        var delivery = _deliveries.Add(0, "https://hooks.example.com/***", Engine.Notifications.NotificationSamples.Completed());
        page.WaitForAssertion(() => Assert.Equal("pending", page.Find("[data-test=delivery-status]").TextContent.Trim()));
        _deliveries.Update(delivery.Id, d => d with { Status = WebhookDeliveryStatus.Retrying, Attempts = 1, LastError = "status 500" });

        page.WaitForAssertion(() => Assert.Equal("retrying", page.Find("[data-test=delivery-status]").TextContent.Trim()));
        Assert.Contains("deployment.completed", page.Find("[data-test=deliveries]").TextContent);
        Assert.Contains("status 500", page.Find("[data-test=deliveries]").TextContent);
    }
}
