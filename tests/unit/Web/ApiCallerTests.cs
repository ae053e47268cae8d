using System.Net;
using System.Security.Claims;
using Cutover.Web.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

/// <summary>The requester the audit records and the rate limit counts is what the caller proved, never a header it chose.</summary>
public sealed class ApiCallerTests
{
    [Theory]
    [InlineData("s3dock/1.0")]
    [InlineData("s3dock-example/1.0")]
    [InlineData("curl/8.5.0")]
    public void WithoutTokens_TheUserAgent_ChangesNeitherTheNameNorTheRateLimitPartition(string userAgent)
    {
        var context = Context(tokens: false, userAgent, ("local", "CutoverToken"));

        Assert.Equal("local", ApiCaller.NameOf(context));
        Assert.Equal("address:127.0.0.1", ApiCaller.PartitionOf(context));
    }

    [Fact]
    public void WithTokens_TheTokensName_IsTheRequester_WhateverTheUserAgent()
    {
        var context = Context(tokens: true, "s3dock/1.0", ("ci", "CutoverToken"));

        Assert.Equal("ci", ApiCaller.NameOf(context));
        Assert.Equal("token:ci", ApiCaller.PartitionOf(context));
    }

    [Fact]
    public void AConsoleUser_IsCountedAsThemselves_NotAsTheLocalAddress()
    {
        var context = Context(tokens: false, "Mozilla/5.0", ("local", "CutoverToken"), ("alice", ConsoleLogin.Scheme));

        Assert.Equal("ui:alice", ApiCaller.PartitionOf(context));
    }

    private static DefaultHttpContext Context(bool tokens, string userAgent, params (string Name, string Scheme)[] identities)
    {
        var access = new ApiAccessOptions();
        if (tokens)
        {
            access.Tokens.Add(new ApiToken { Name = "ci", Token = new string('x', 32) });
        }

        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(Options.Create(access)).BuildServiceProvider(),
            User = new ClaimsPrincipal(identities.Select(i => new ClaimsIdentity([new Claim(ClaimTypes.Name, i.Name)], i.Scheme))),
        };
        context.Request.Headers.UserAgent = userAgent;
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        return context;
    }
}
