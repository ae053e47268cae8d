using System.Text;
using Cutover.Engine.Configuration;
using Cutover.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Cutover.Tests.Unit.Web;

/// <summary>The API's bounds on what it reads: body size, reason length, how much of a bad image it quotes.</summary>
public sealed class InputBoundsTests
{
    [Fact]
    public async Task RequestBody_DeclaredLongerThan64KB_Is413WithoutReadingIt()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddOptions().BuildServiceProvider() };
        context.Request.ContentLength = 35L * 1024 * 1024;
        context.Request.Body = new UnreadableStream();

        var (value, problem) = await RequestBody.ReadAsync<ReasonBody>(context, required: true, CancellationToken.None);

        Assert.Null(value);
        var result = Assert.IsType<ProblemHttpResult>(problem);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, result.StatusCode);
        Assert.Equal("The body is 36,700,160 bytes; the API reads at most 65,536 bytes (64 KB).", result.ProblemDetails.Detail);
    }

    [Fact]
    public async Task RequestBody_ChunkedPastTheBound_Is413_AndReadingStopsThere()
    {
        var body = new MemoryStream(Encoding.UTF8.GetBytes("{\"reason\": \"" + new string('r', 1_000_000) + "\"}"));
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddOptions().BuildServiceProvider() };
        context.Request.Headers.TransferEncoding = "chunked";
        context.Request.Body = body;

        var (value, problem) = await RequestBody.ReadAsync<ReasonBody>(context, required: true, CancellationToken.None);

        Assert.Null(value);
        var result = Assert.IsType<ProblemHttpResult>(problem);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, result.StatusCode);
        Assert.Equal("The body is longer than 65,536 bytes (64 KB), the most the API reads.", result.ProblemDetails.Detail);
        Assert.True(body.Position < 200_000, $"read {body.Position:N0} bytes");
    }

    [Fact]
    public async Task RequestBody_WithinTheBound_IsRead()
    {
        var json = Encoding.UTF8.GetBytes("{\"reason\": \"" + new string('r', 60_000) + "\"}");
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddOptions().BuildServiceProvider() };
        context.Request.ContentLength = json.Length;
        context.Request.Body = new MemoryStream(json);

        var (value, problem) = await RequestBody.ReadAsync<ReasonBody>(context, required: true, CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal(60_000, value!.Reason!.Length);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1024, true)]
    [InlineData(1025, false)]
    public void CheckReason_AllowsOneKilobyte(int length, bool accepted) =>
        Assert.Equal(accepted, DeploymentsApi.CheckReason(new string('r', length)) is null);

    [Fact]
    public void CheckReason_CountsUtf8Bytes_AndNamesTheField()
    {
        Assert.Equal("\"reason\" is 1,026 bytes long; it may be at most 1,024 bytes (1 KB).", DeploymentsApi.CheckReason(new string('é', 513)));
    }

    [Fact]
    public void ImageReference_Shown_CutsLongReferencesTo256Characters()
    {
        var image = "shop:" + new string('A', 5_000_000);

        var shown = ImageReference.Shown(image);

        Assert.Equal(image[..256] + "… (5,000,005 characters)", shown);
        Assert.Equal("shop:1.4.2", ImageReference.Shown("shop:1.4.2"));
    }

    /// <summary>Fails the test if anything reads the body.</summary>
    private sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the body was read");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new InvalidOperationException("the body was read");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException("the body was read");
    }
}
