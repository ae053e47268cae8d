using System.Runtime.InteropServices;

namespace Cutover.Engine.Configuration;

/// <summary>What a path names once symbolic links are followed: a regular file, or something that must not be opened as one.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,

    /// <summary>The type could not be learnt (no statx, or no permission to look); opening it will tell.</summary>
    Unknown,
}

/// <summary>A path's <see cref="FileKind"/> and size, learnt without opening it.</summary>
/// <remarks>
/// .NET does not expose a file's type on Unix (a FIFO and /dev/zero both look like empty "Normal" files to
/// <see cref="FileInfo"/>), yet opening a FIFO for reading blocks until a writer comes and a device may never end.
/// So on Linux this asks the kernel with statx(2), whose buffer layout is the same on every architecture.
/// </remarks>
public readonly record struct FileFacts(FileKind Kind, long Size)
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    /// <summary>The kind and size of what <paramref name="path"/> names, symbolic links followed.</summary>
    public static FileFacts Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (FromStatx(path) is { } facts)
                {
                    return facts;
                }
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                // A libc without statx (glibc < 2.28, older musl): fall back to what .NET can tell.
            }
        }

        return FromFileInfo(path);
    }

    /// <summary>How the kind reads in an operator's error, e.g. "a FIFO".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        _ => "of an unknown kind",
    };

    /// <summary>What statx says, or null when it cannot say (a kernel or sandbox without it, no permission to look).</summary>
    private static FileFacts? FromStatx(string path)
    {
        var buffer = new byte[StatxBufferSize];
        if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR ? new FileFacts(FileKind.Missing, 0) : null;
        }

        // The kernel fills the buffer in the machine's own byte order.
        var mode = MemoryMarshal.Read<ushort>(buffer.AsSpan(ModeOffset));
        var size = MemoryMarshal.Read<long>(buffer.AsSpan(SizeOffset));

        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
        return new FileFacts(kind, size);
    }

    private static FileFacts FromFileInfo(string path)
    {
        if (Directory.Exists(path))
        {
            return new FileFacts(FileKind.Directory, 0);
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return new FileFacts(FileKind.Missing, 0);
        }

        // On Windows a file is a file; elsewhere without statx a FIFO cannot be told from an empty file.
        return new FileFacts(OperatingSystem.IsWindows() ? FileKind.Regular : FileKind.Unknown, file.Length);
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
