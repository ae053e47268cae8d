using System.Text.Json;
using Cutover.Web.Api;

namespace Cutover.Tests.Unit.Web;

/// <summary><c>"retry_after"</c> of <c>POST /api/apps/{app}/maintenance</c>: a duration or whole seconds, as a string or a number.</summary>
public sealed class MaintenanceBodyTests
{
    [Theory]
    [InlineData("null", null)]
    [InlineData("300", 300)]
    [InlineData("\"300\"", 300)]
    [InlineData("\"5m\"", 300)]
    [InlineData("\"1h\"", 3600)]
    [InlineData("86400", 86400)]
    public void RetryAfter_AcceptsTheDocumentedForms(string json, int? seconds)
    {
        Assert.Null(MaintenanceApi.ReadRetryAfter(JsonDocument.Parse(json).RootElement, out var retryAfter));
        Assert.Equal(seconds, retryAfter is { } r ? (int)r.TotalSeconds : null);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("86401")]
    [InlineData("1.5")]
    [InlineData("\"2 days\"")]
    [InlineData("true")]
    [InlineData("{}")]
    public void RetryAfter_AnythingElse_SaysWhatItMustBe(string json)
    {
        var problem = MaintenanceApi.ReadRetryAfter(JsonDocument.Parse(json).RootElement, out var retryAfter);

        Assert.Equal($"\"retry_after\" must be a duration (e.g. 30s, 5m, 1h) or a whole number of seconds, from 1 s to 24 h, not {json}.", problem);
        Assert.Null(retryAfter);
    }

    [Fact]
    public void TheBody_ReadsRetryAfterBySnakeCase()
    {
        var body = JsonSerializer.Deserialize<MaintenanceBody>("""{"message": "soon", "retry_after": "5m"}""", new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        Assert.Equal(("soon", "5m"), (body.Message, body.RetryAfter?.GetString()));
    }
}
