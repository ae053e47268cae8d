using Cutover.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cutover.Tests.Unit.Proxy.Forwarding;

/// <summary>Which requests get the app's idle_timeout instead of the host's activity timeout.</summary>
public sealed class LongLivedRequestTests
{
    [Fact]
    public void Matches_AnUpgradableRequest()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpUpgradeFeature>(new Upgrade(isUpgradable: true));

        Assert.True(LongLivedRequest.Matches(context));
    }

    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("Text/Event-Stream")]
    [InlineData("application/json, text/event-stream;q=0.9")]
    [InlineData("text/event-stream; charset=utf-8")]
    public void Matches_ARequestAcceptingAnEventStream(string accept)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = accept;

        Assert.True(LongLivedRequest.Matches(context));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*/*")]
    [InlineData("text/html, application/json")]
    [InlineData("text/event-stream;q=0, application/json")]
    [InlineData("text/event-streams")]
    public void DoesNotMatch_AnOrdinaryRequest(string? accept)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpUpgradeFeature>(new Upgrade(isUpgradable: false));
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        Assert.False(LongLivedRequest.Matches(context));
    }

    private sealed class Upgrade(bool isUpgradable) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => isUpgradable;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException();
    }
}
