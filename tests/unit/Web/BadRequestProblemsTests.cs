using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cutover.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Web;

/// <summary>A 400 names the field that is wrong and what it should be, never a .NET type.</summary>
public sealed class BadRequestProblemsTests
{
    [Theory]
    [InlineData("""{"image": 5}""", "\"image\" must be a string.")]
    [InlineData("""{"image": "shop:1", "reason": {"a": 1}}""", "\"reason\" must be a string.")]
    [InlineData("""{"image": ["shop:1"]}""", "\"image\" must be a string.")]
    [InlineData("""[1, 2]""", "The body must be a JSON object")]
    [InlineData("""5""", "The body must be a JSON object")]
    [InlineData("""{"image": """, "not valid JSON")]
    [InlineData("""{"image": "shop:1",}""", "not valid JSON")]
    [InlineData("""image=shop""", "not valid JSON")]
    public async Task ADeployBodyOfTheWrongShape_IsRefused_NamingTheField(string json, string expected)
    {
        var detail = await DetailAsync<DeployBody>(json);

        Assert.Contains(expected, detail);
        Assert.DoesNotContain("System.", detail);
        Assert.DoesNotContain("Cutover.", detail);
        Assert.DoesNotContain(nameof(DeployBody), detail);
    }

    [Fact]
    public async Task ARedeployReasonThatIsNotAString_IsRefused_NamingTheField()
    {
        var detail = await DetailAsync<ReasonBody>("""{"reason": true}""");

        Assert.Equal("\"reason\" must be a string.", detail);
    }

    [Theory]
    [InlineData("Failed to bind parameter \"int limit\" from \"abc\".", "\"limit\" must be a whole number, not \"abc\".")]
    [InlineData("Failed to bind parameter \"long id\" from \"x\".", "\"id\" must be a whole number, not \"x\".")]
    [InlineData("Required parameter \"string app\" was not provided from route.", "\"app\" is required.")]
    public void AParameterThatCannotBeBound_IsNamed_WithoutItsDotNetType(string message, string expected) =>
        Assert.Equal(expected, BindingProblems.Describe(message));

    private static async Task<string?> DetailAsync<T>(string json)
        where T : class
    {
        var services = new ServiceCollection()
            .Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
            .BuildServiceProvider();
        var bytes = Encoding.UTF8.GetBytes(json);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);

        var (_, problem) = await RequestBody.ReadAsync<T>(context, required: true, CancellationToken.None);

        var result = Assert.IsType<ProblemHttpResult>(problem);
        Assert.Equal(StatusCodes.Status400BadRequest, result.StatusCode);
        return result.ProblemDetails.Detail;
    }
}
