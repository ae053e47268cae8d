using System.Runtime.Versioning;
using Cutover.Web.Access;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cutover.Tests.Unit.Web;

// Cutover runs on Linux; the modes are what these tests are about.
[UnsupportedOSPlatform("windows")]
public sealed class DataProtectionKeysTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly string _root = Directory.CreateTempSubdirectory("cutover-keys-").FullName;

    [Fact]
    public void FolderFor_IsKeysBesideTheDatabase()
    {
        Assert.Equal(Path.Combine(_root, "data", "keys"), DataProtectionKeys.FolderFor(Path.Combine(_root, "data", "cutover.db")));
    }

    [Fact]
    public async Task StartingAsync_CreatesTheKeyFolderForTheOwnerAlone_LeavingTheDataFolderAsAnyOther()
    {
        var folder = DataProtectionKeys.FolderFor(Path.Combine(_root, "data", "cutover.db"));

        await new DataProtectionKeys(folder, NullLogger<DataProtectionKeys>.Instance).StartingAsync(CancellationToken.None);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(folder));
        var plain = Directory.CreateDirectory(Path.Combine(_root, "plain")).FullName;
        Assert.Equal(File.GetUnixFileMode(plain), File.GetUnixFileMode(Path.Combine(_root, "data")));
    }

    [Fact]
    public async Task StartingAsync_TightensAKeyFolderOthersCouldRead()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "keys")).FullName;
        File.SetUnixFileMode(folder, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await new DataProtectionKeys(folder, NullLogger<DataProtectionKeys>.Instance).StartingAsync(CancellationToken.None);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(folder));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
