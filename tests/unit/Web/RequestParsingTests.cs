using System.Text.Json;
using Cutover.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cutover.Tests.Unit.Web;

/// <summary>The small parsers behind the deployment endpoints: wait bounds, idempotency keys, metadata.</summary>
public sealed class RequestParsingTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("false", null, null)]
    [InlineData("true", null, 300)]
    [InlineData("TRUE", "45", 45)]
    [InlineData("true", "1800", 1800)]
    public void WaitBound_AcceptsTheDocumentedForms(string? wait, string? timeout, int? seconds)
    {
        var bound = WaitBound.Parse(Query(wait, timeout));

        Assert.Null(bound.Problem);
        Assert.Equal(seconds, bound.Bound?.TotalSeconds is { } s ? (int)s : null);
    }

    [Theory]
    [InlineData("yes", null)]
    [InlineData("true", "0")]
    [InlineData("true", "1801")]
    [InlineData("true", "-5")]
    [InlineData("true", "10s")]
    public void WaitBound_RefusesAnythingElse(string wait, string? timeout) =>
        Assert.NotNull(WaitBound.Parse(Query(wait, timeout)).Problem);

    [Theory]
    [InlineData("shop-20261125-1030-4f2a9c1", true)]
    [InlineData("550e8400-e29b-41d4-a716-446655440000", true)]
    [InlineData("has space", false)]
    [InlineData("", false)]
    [InlineData("ünïcode", false)]
    public void IdempotencyKey_IsPrintableAsciiWithoutSpaces(string value, bool accepted)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers[IdempotencyKey.HeaderName] = value;

        var problem = IdempotencyKey.Read(request, out var key);

        Assert.Equal(accepted, problem is null);
        Assert.Equal(accepted ? value : null, key);
    }

    [Fact]
    public void IdempotencyKey_AbsentIsFine_AndTooLongIsNot()
    {
        var request = new DefaultHttpContext().Request;
        Assert.Null(IdempotencyKey.Read(request, out var none));
        Assert.Null(none);

        request.Headers[IdempotencyKey.HeaderName] = new string('k', IdempotencyKey.MaxLength + 1);
        Assert.NotNull(IdempotencyKey.Read(request, out _));
    }

    [Theory]
    [InlineData("""{"git_hash":"4f2a9c1","promoted_by":"ci"}""", null)]
    [InlineData("null", null)]
    [InlineData("\"text\"", "a JSON string")]
    [InlineData("[1,2]", "a JSON array")]
    public void Metadata_MustBeAnObject(string json, string? problemContains)
    {
        var problem = DeploymentMetadata.Validate(JsonDocument.Parse(json).RootElement, out var stored);

        if (problemContains is null)
        {
            Assert.Null(problem);
            Assert.Equal(json == "null" ? null : json, stored);
        }
        else
        {
            Assert.Contains(problemContains, problem);
        }
    }

    [Fact]
    public void Metadata_OverFourKilobytes_IsRefused()
    {
        var big = JsonDocument.Parse($$"""{"notes":"{{new string('x', DeploymentMetadata.MaxBytes)}}"}""").RootElement;

        Assert.Contains("larger than 4096 bytes", DeploymentMetadata.Validate(big, out _));
    }

    private static QueryCollection Query(string? wait, string? timeout)
    {
        var values = new Dictionary<string, StringValues>();
        if (wait is not null)
        {
            values["wait"] = wait;
        }

        if (timeout is not null)
        {
            values["timeout"] = timeout;
        }

        return new QueryCollection(values);
    }
}
