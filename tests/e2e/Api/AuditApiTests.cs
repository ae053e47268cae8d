using System.Net;
using Cutover.Tests.E2E.Engine;
using Microsoft.Data.Sqlite;

namespace Cutover.Tests.E2E.Api;

/// <summary>The audit trail through the API: what it records, its exports, its verification, and what it never shows.</summary>
[Collection(DockerCollection.Name)]
public sealed class AuditApiTests
{
    private const string Secret = "hunter2-very-secret-value";

    [Fact]
    public async Task Audit_RecordsChangesAndRefusals_ExportsThemAsJsonAndCsv_AndVerifies()
    {
        var app = AppsYaml.Fresh("e2e-audit", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        using var deploy = await DeploymentApiTests.PostAsync(host, $"api/apps/{app.App}/deployments?wait=true", new { image = DemoImages.V2 });
        (await DeploymentApiTests.PostRawAsync(host, $"api/apps/{app.App}/deployments", "{\"image\": 42}")).Dispose();
        (await DeploymentApiTests.PostAsync(host, "api/apps/nope/deployments", new { image = DemoImages.V2 })).Dispose();

        var entries = (await host.GetJsonAsync($"api/audit?app={app.App}")).EnumerateArray().ToList();
        var actions = entries.Select(e => (e.GetProperty("action").GetString(), e.GetProperty("outcome").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Contains(("deployment.deploy", "ok", "local"), actions);
        Assert.Contains(("deployment.completed", "ok", "engine"), actions);
        Assert.Contains(("api.refused", "refused", "local"), actions);
        Assert.All(entries, e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("hash").GetString()));
        Assert.Equal("127.0.0.1", entries.First(e => e.GetProperty("action").GetString() == "deployment.deploy" && e.GetProperty("actor").GetString() == "local").GetProperty("address").GetString());
        var unknown = (await host.GetJsonAsync("api/audit?app=nope&action=deployment.deploy")).EnumerateArray().Single();
        Assert.Equal("refused", unknown.GetProperty("outcome").GetString());

        using var csv = await host.Api.GetAsync($"api/audit?format=csv&app={app.App}");
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"cutover-audit-", csv.Content.Headers.ContentDisposition?.ToString());
        Assert.Contains("deployment.completed", text);
        Assert.Equal(entries.Count + 1, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var verify = await host.GetJsonAsync("api/audit/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());

        var none = await host.GetJsonAsync("api/audit?from=2000-01-01&to=2000-01-02");
        Assert.Equal(0, none.GetArrayLength());
        await DeploymentApiTests.AssertProblemAsync(await host.Api.GetAsync("api/audit?from=yesterday"), HttpStatusCode.BadRequest, "ISO 8601");
        await DeploymentApiTests.AssertProblemAsync(await host.Api.GetAsync("api/audit?format=xml"), HttpStatusCode.BadRequest, "json or csv");
    }

    [Fact]
    public async Task Verify_ReportsAnEntryEditedInTheDatabase()
    {
        var app = AppsYaml.Fresh("e2e-audit-tamper", DemoImages.V1);
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        var target = (await host.GetJsonAsync($"api/audit?app={app.App}&action=deployment.completed")).EnumerateArray().First().GetProperty("id").GetInt64();

        await using (var db = new SqliteConnection($"Data Source={Path.Combine(host.Folder, "cutover.db")};Pooling=False"))
        {
            await db.OpenAsync();
            await using var edit = db.CreateCommand();
            edit.CommandText = "UPDATE audit_events SET Detail = 'nothing happened here' WHERE Id = $id";
            edit.Parameters.AddWithValue("$id", target);
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        var verify = await host.GetJsonAsync("api/audit/verify");

        Assert.False(verify.GetProperty("valid").GetBoolean());
        Assert.Equal(target, verify.GetProperty("firstBrokenId").GetInt64());
        Assert.Contains($"{target}", verify.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Secrets_NeverAppearInTheApiTheAuditOrTheHostLog()
    {
        var app = AppsYaml.Fresh("e2e-secrets", DemoImages.V1) with { Container = $"{{ port: 8080, env: {{ DB_PASSWORD: {Secret}, GREETING: hello-visible }} }}" };
        await using var host = await HostProcess.StartAsync(app.ToString());
        await host.WaitForAppDeploymentAsync(app.App);
        using var deploy = await DeploymentApiTests.PostAsync(host, $"api/apps/{app.App}/deployments?wait=true", new { image = DemoImages.V2, reason = $"rotating {Secret}" });

        var config = await host.Api.GetStringAsync("api/config");
        Assert.Contains("hello-visible", config);
        string[] outputs =
        [
            config,
            await host.Api.GetStringAsync($"api/apps/{app.App}"),
            await host.Api.GetStringAsync($"api/apps/{app.App}/deployments"),
            await host.Api.GetStringAsync($"api/apps/{app.App}/logs?tail=200"),
            await host.Api.GetStringAsync("api/audit?format=csv"),
            host.Output,
        ];

        Assert.All(outputs, o => Assert.DoesNotContain(Secret, o));
        Assert.Contains("***", config);
    }
}
