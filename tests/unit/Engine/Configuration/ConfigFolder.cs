using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>A temporary folder for an apps.yaml and the env files it names; deleted with the test.</summary>
internal sealed class ConfigFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("cutover-yaml-").FullName;

    public string YamlPath => Path.Combine(Root, "apps.yaml");

    /// <summary>Writes a file under the folder and returns its absolute path.</summary>
    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Makes a FIFO (named pipe) under the folder and returns its absolute path: opening it for reading blocks until a writer comes.</summary>
    public string MakeFifo(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Lets a reader blocked on the FIFO at <paramref name="path"/> go (it reads an empty file), so a failing test leaves no thread stuck.</summary>
    public static void ReleaseFifo(string path)
    {
        using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
    }

    public AppsConfig Parse(string yaml, IReadOnlySet<int>? reservedPorts = null) =>
        AppsYamlParser.Parse(yaml, YamlPath, reservedPorts);

    /// <summary>The problems the parser refuses <paramref name="yaml"/> with; fails the test if it is accepted.</summary>
    public IReadOnlyList<ConfigProblem> Problems(string yaml, IReadOnlySet<int>? reservedPorts = null) =>
        Assert.Throws<ConfigException>(() => Parse(yaml, reservedPorts)).Problems;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
