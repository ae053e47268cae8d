using Cutover.Engine.Configuration;

namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>An env_file is read only when it is a regular file of at most 1 MiB; anything else is refused at once, naming the file and why.</summary>
public sealed class EnvFileTests : IDisposable
{
    /// <summary>Guards against a hang; not a performance assertion.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(5);

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task MergeAsync_ARegularFile_ReadsItsVariablesUnderTheExplicitOnes()
    {
        var path = _folder.Write("shop.env", "# secrets\nDB=postgres://x\r\nMODE=file\n");

        var env = await EnvFile.MergeAsync(path, new Dictionary<string, string> { ["MODE"] = "yaml" }, CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { ["DB"] = "postgres://x", ["MODE"] = "yaml" }, env);
    }

    [Fact]
    public async Task Read_AFifo_IsRefusedWithoutBlocking()
    {
        var fifo = _folder.MakeFifo("shop.env");
        var read = Task.Run(() => EnvFile.Read(fifo));
        try
        {
            var error = await Assert.ThrowsAsync<BoundedFileException>(() => read.WaitAsync(Generous));

            Assert.Equal($"{fifo} is a FIFO (named pipe), not a regular file", error.Message);
        }
        finally
        {
            if (!read.IsCompleted)
            {
                ConfigFolder.ReleaseFifo(fifo);
            }
        }
    }

    [Fact]
    public async Task MergeAsync_AFifo_IsRefusedWithoutBlocking()
    {
        var fifo = _folder.MakeFifo("shop.env");
        var merge = Task.Run(() => EnvFile.MergeAsync(fifo, new Dictionary<string, string>(), CancellationToken.None));
        try
        {
            var error = await Assert.ThrowsAsync<BoundedFileException>(() => merge.WaitAsync(Generous));

            Assert.Equal("is a FIFO (named pipe), not a regular file", error.Reason);
        }
        finally
        {
            if (!merge.IsCompleted)
            {
                ConfigFolder.ReleaseFifo(fifo);
            }
        }
    }

    [Fact]
    public void Read_DevZero_IsRefusedAsADeviceBeforeAnythingIsRead()
    {
        var error = Assert.Throws<BoundedFileException>(() => EnvFile.Read("/dev/zero"));

        Assert.Equal("/dev/zero is a character device, not a regular file", error.Message);
    }

    [Fact]
    public void Read_ADirectory_IsRefusedAsADirectory()
    {
        var error = Assert.Throws<BoundedFileException>(() => EnvFile.Read(_folder.Root));

        Assert.Equal($"{_folder.Root} is a directory, not a regular file", error.Message);
    }

    [Fact]
    public void Read_AFileOverOneMebibyte_IsRefusedNamingItsSizeAndTheBound()
    {
        var path = Path.Combine(_folder.Root, "huge.env");
        using (var file = File.Create(path))
        {
            file.SetLength(3L * 1024 * 1024 * 1024);
        }

        var error = Assert.Throws<BoundedFileException>(() => EnvFile.Read(path));

        Assert.Equal($"{path} is 3 GiB (3221225472 bytes); env files are limited to 1 MiB", error.Message);
    }

    [Fact]
    public void Read_ASymlinkToARegularFile_IsFollowed()
    {
        var target = _folder.Write("real.env", "A=1\n");
        var link = Path.Combine(_folder.Root, "link.env");
        File.CreateSymbolicLink(link, target);

        Assert.Equal("1", EnvFile.Read(link)["A"]);
    }

    [Fact]
    public async Task Read_ASymlinkToAFifo_IsRefusedAsTheFifo()
    {
        var link = Path.Combine(_folder.Root, "link.env");
        var fifo = _folder.MakeFifo("pipe");
        File.CreateSymbolicLink(link, fifo);
        var read = Task.Run(() => EnvFile.Read(link));
        try
        {
            var error = await Assert.ThrowsAsync<BoundedFileException>(() => read.WaitAsync(Generous));

            Assert.Equal($"{link} is a FIFO (named pipe), not a regular file", error.Message);
        }
        finally
        {
            if (!read.IsCompleted)
            {
                ConfigFolder.ReleaseFifo(fifo);
            }
        }
    }

    [Fact]
    public void Parse_EnvFileWithANulCharacter_IsRefusedAtItsValue()
    {
        var problem = Assert.Single(_folder.Problems("apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: { blue: 18080, green: 18081 }\n    container: { env_file: \"shop\\0.env\" }\n"));

        Assert.Equal((6, 28, "apps.shop.container.env_file"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal("must be a file name; it holds a NUL character", problem.Message);
    }

    [Theory]
    [InlineData("fifo", "is a FIFO (named pipe), not a regular file")]
    [InlineData("dir", "is a directory, not a regular file")]
    [InlineData("/dev/zero", "is a character device, not a regular file")]
    [InlineData("big", "is 2 MiB (2097152 bytes); env files are limited to 1 MiB")]
    public void Parse_EnvFileThatCannotBeRead_IsRefusedAtItsValue(string kind, string reason)
    {
        var path = kind switch
        {
            "fifo" => _folder.MakeFifo("shop.env"),
            "dir" => Directory.CreateDirectory(Path.Combine(_folder.Root, "shop.env")).FullName,
            "big" => _folder.Write("shop.env", new string('x', 2 * 1024 * 1024)),
            _ => kind,
        };

        var problem = Assert.Single(_folder.Problems($"apps:\n  shop:\n    image: shop:1\n    listen: 8080\n    slots: {{ blue: 18080, green: 18081 }}\n    container: {{ env_file: {path} }}\n"));

        Assert.Equal((6, 28, "apps.shop.container.env_file"), (problem.Line, problem.Column, problem.FieldPath));
        Assert.Equal($"'{path}' {reason}", problem.Message);
    }
}
