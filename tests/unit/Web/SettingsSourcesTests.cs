using Cutover.Web.Composition;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Cutover.Tests.Unit.Web;

public sealed class SettingsSourcesTests : IDisposable
{
    // Each test's keys are its own: environment variables are the process's, shared by tests running in parallel.
    private readonly string _probe = $"Probe{Guid.NewGuid():N}";
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-settings-").FullName;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable($"{_probe}__Environment", null);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Defaults_AreBuiltIn_WithNoAppsettingsBesideTheBinary()
    {
        var configuration = Build(settingsFile: null);

        Assert.Equal("unix:///var/run/docker.sock", configuration["Cutover:Docker"]);
        Assert.Equal("http://127.0.0.1:5080", configuration["Cutover:AdminUrl"]);
        Assert.Equal("Warning", configuration["Logging:LogLevel:Microsoft.AspNetCore"]);
    }

    [Fact]
    public void SettingsFile_OverridesDefaultsAndAppsettings_AndYieldsToEnvironmentAndArguments()
    {
        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), Json(("Beside", "appsettings"), ("File", "appsettings")));
        var file = Path.Combine(_folder, "cutover.json");
        File.WriteAllText(file, Json(("File", "file"), ("Environment", "file"), ("Argument", "file")));
        Environment.SetEnvironmentVariable($"{_probe}__Environment", "environment");

        var configuration = Build(file, $"--{_probe}:Argument=argument");

        Assert.Equal("appsettings", configuration[$"{_probe}:Beside"]);
        Assert.Equal("file", configuration[$"{_probe}:File"]);
        Assert.Equal("environment", configuration[$"{_probe}:Environment"]);
        Assert.Equal("argument", configuration[$"{_probe}:Argument"]);
        Assert.Equal("unix:///var/run/docker.sock", configuration["Cutover:Docker"]);
    }

    [Fact]
    public void SettingsFile_ThatDoesNotExist_IsRefused_NamingTheVariableAndTheFile()
    {
        var missing = Path.Combine(_folder, "missing.json");

        var refused = Assert.Throws<SettingsFileException>(() => Build(missing));

        Assert.Equal($"CUTOVER_SETTINGS={missing}: no such file", refused.Message);
        Assert.Equal([$"cutover: cannot start: CUTOVER_SETTINGS={missing}: no such file"], StartupRefusal.From(refused, null)!.Lines);
    }

    [Fact]
    public void SettingsFile_ThatIsNotJson_IsRefused_SayingWhereTheJsonBreaks()
    {
        var file = Path.Combine(_folder, "broken.json");
        File.WriteAllText(file, "{ \"Cutover\": { \"AdminUrl\": \"http://127.0.0.1:5080\" ");

        var refused = Assert.Throws<SettingsFileException>(() => Build(file));

        Assert.StartsWith($"CUTOVER_SETTINGS={file}: ", refused.Message);
        Assert.Contains("LineNumber: 0", refused.Message);
        var refusal = StartupRefusal.From(refused, null)!;
        Assert.Equal(1, refusal.ExitCode);
        Assert.Single(refusal.Lines);
        Assert.Null(refusal.Unexpected);
    }

    private IConfiguration Build(string? settingsFile, params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = _folder, EnvironmentName = Environments.Production });
        builder.Configuration.AddCutoverSettings(name => name == SettingsSources.FileVariable ? settingsFile : null);
        return builder.Configuration;
    }

    private string Json(params (string Key, string Value)[] pairs) =>
        $"{{ \"{_probe}\": {{ {string.Join(", ", pairs.Select(p => $"\"{p.Key}\": \"{p.Value}\""))} }} }}";
}
