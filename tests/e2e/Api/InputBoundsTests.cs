using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cutover.Tests.E2E.Engine;

namespace Cutover.Tests.E2E.Api;

/// <summary>What the API takes in, bounded: body size, reason length, how much of a bad image it echoes.</summary>
[Collection(DockerCollection.Name)]
public sealed class InputBoundsTests
{
    [Fact]
    public async Task OversizedBodiesAndReasons_GetProblems_AndNothingIsStoredOrAudited()
    {
        var app = AppsYaml.Fresh("e2e-bounds", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var deployments = $"api/apps/{app.App}/deployments";
        var reason = new string('r', 40_000);

        // 35 MB with its length declared: answered from the headers, a problem and not a reset.
        var huge = "{\"image\": \"" + DemoImages.V2 + "\", \"reason\": \"" + new string('x', 35 * 1024 * 1024) + "\"}";
        await DeploymentApiTests.AssertProblemAsync(await DeploymentApiTests.PostRawAsync(host, deployments, huge), HttpStatusCode.RequestEntityTooLarge, "65,536 bytes");

        // The same without a length (chunked): Kestrel stops reading at the limit.
        using (var chunked = new HttpRequestMessage(HttpMethod.Post, deployments) { Content = new UnsizedContent(Encoding.UTF8.GetBytes("{\"image\": \"" + DemoImages.V2 + "\", \"reason\": \"" + reason + reason + "\"}")) })
        {
            await DeploymentApiTests.AssertProblemAsync(await host.Api.SendAsync(chunked), HttpStatusCode.RequestEntityTooLarge, "65,536 bytes");
        }

        await DeploymentApiTests.AssertProblemAsync(
            await DeploymentApiTests.PostAsync(host, deployments, new { image = DemoImages.V2, reason = new string('r', 1025) }), HttpStatusCode.BadRequest, "\"reason\" is 1,025 bytes long");
        await DeploymentApiTests.AssertProblemAsync(
            await DeploymentApiTests.PostAsync(host, $"api/apps/{app.App}/redeploy", new { reason = new string('é', 600) }), HttpStatusCode.BadRequest, "\"reason\" is 1,200 bytes long");
        await DeploymentApiTests.AssertProblemAsync(
            await DeploymentApiTests.PostAsync(host, $"api/apps/{app.App}/rollback", new { reason }), HttpStatusCode.BadRequest, "\"reason\"");

        // An invalid image is quoted, cut to 256 characters.
        using (var badImage = await DeploymentApiTests.PostAsync(host, deployments, new { image = "shop:" + new string('A', 50_000) }))
        {
            var text = await badImage.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, badImage.StatusCode);
            var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("(50,005 characters)", detail, StringComparison.Ordinal);
            Assert.True(detail.Length < 400, detail);
        }

        // A reason of exactly 1 KB is taken; nothing refused above reached the history.
        using var ok = await DeploymentApiTests.PostAsync(host, $"{deployments}?wait=true", new { image = DemoImages.V2, reason = new string('k', 1024) });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var history = await host.GetJsonAsync(deployments);
        Assert.Equal(2, history.GetProperty("total").GetInt32());
        var audit = await host.Api.GetStringAsync("api/audit");
        Assert.Contains("(50,005 characters)", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('A', 257), audit, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('r', 1025), audit, StringComparison.Ordinal);
    }

    /// <summary>A JSON body whose length is not known beforehand, so HttpClient sends it chunked.</summary>
    private sealed class UnsizedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnsizedContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
