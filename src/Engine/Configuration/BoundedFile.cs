using System.Globalization;
using System.Text;

namespace Cutover.Engine.Configuration;

/// <summary>Reads a file the operator names (apps.yaml, an env_file) whole, refusing anything but a regular file within a size bound.</summary>
/// <remarks>
/// The kind and size are checked before the file is opened: opening a FIFO for reading blocks until a writer
/// comes, and /dev/zero never ends. The read itself stops one byte past the bound, so a file that grows
/// between the check and the read cannot exhaust memory either.
/// </remarks>
public static class BoundedFile
{
    /// <summary>The bound on apps.yaml and on each env_file.</summary>
    public const long OneMebibyte = 1024 * 1024;

    /// <summary>Why <paramref name="path"/> cannot be read as text, or null when it is a regular file of at most <paramref name="maxBytes"/>; opens nothing.</summary>
    /// <param name="what">What the file is to the operator, for the size message: "env files", "apps.yaml".</param>
    public static string? Refusal(string path, long maxBytes, string what) => Refusal(FileFacts.Of(path), maxBytes, what);

    /// <summary>The text of a regular file of at most <paramref name="maxBytes"/> (UTF-8 unless a byte order mark says otherwise).</summary>
    /// <inheritdoc cref="Refusal(string, long, string)" path="/param"/>
    /// <exception cref="BoundedFileException">Not a regular file, or too large.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        var buffer = CheckedBuffer(path, maxBytes, what);
        using var stream = Open(path);
        var length = 0;
        int read;
        while ((read = stream.Read(buffer, length, buffer.Length - length)) > 0 && Grown(ref buffer, length += read, maxBytes))
        {
        }

        return Decode(path, buffer, length, maxBytes, what);
    }

    /// <inheritdoc cref="ReadAllText"/>
    public static async Task<string> ReadAllTextAsync(string path, long maxBytes, string what, CancellationToken cancellationToken)
    {
        var buffer = CheckedBuffer(path, maxBytes, what);
        await using var stream = Open(path);
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0 && Grown(ref buffer, length += read, maxBytes))
        {
        }

        return Decode(path, buffer, length, maxBytes, what);
    }

    /// <summary>A size as an operator reads it: <c>512 bytes</c>, <c>64 KiB</c>, <c>2 MiB</c>, <c>3.5 GiB</c>.</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < OneMebibyte => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024 * OneMebibyte => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)OneMebibyte:0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * OneMebibyte):0.#} GiB"),
    };

    private static string? Refusal(FileFacts facts, long maxBytes, string what) => facts.Kind switch
    {
        FileKind.Missing => "does not exist",
        FileKind.Regular or FileKind.Unknown when facts.Size > maxBytes => TooLarge(facts.Size, maxBytes, what),
        FileKind.Regular or FileKind.Unknown => null,
        var kind => $"is {FileFacts.Describe(kind)}, not a regular file",
    };

    /// <summary>A buffer for the file's size as checked, plus one byte to see it grew.</summary>
    /// <exception cref="BoundedFileException">The file may not be read.</exception>
    private static byte[] CheckedBuffer(string path, long maxBytes, string what)
    {
        var facts = FileFacts.Of(path);
        if (Refusal(facts, maxBytes, what) is { } reason)
        {
            throw new BoundedFileException(path, reason);
        }

        return new byte[Math.Min(facts.Size, maxBytes) + 1];
    }

    /// <summary>False once <paramref name="length"/> bytes are past the bound; otherwise true, with room for more (a file can grow while read).</summary>
    private static bool Grown(ref byte[] buffer, int length, long maxBytes)
    {
        if (length > maxBytes)
        {
            return false;
        }

        if (length == buffer.Length)
        {
            Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, Math.Max(4096, 2L * buffer.Length)));
        }

        return true;
    }

    private static string TooLarge(long size, long maxBytes, string what) =>
        $"is {FormatSize(size)} ({size} bytes); {what} are limited to {FormatSize(maxBytes)}";

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);

    private static string Decode(string path, byte[] buffer, int length, long maxBytes, string what)
    {
        if (length > maxBytes)
        {
            // It grew after the check, or it is a kind the check could not see (no statx).
            throw new BoundedFileException(path, $"is larger than {FormatSize(maxBytes)}; {what} are limited to {FormatSize(maxBytes)}");
        }

        using var reader = new StreamReader(new MemoryStream(buffer, 0, length), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

/// <summary>A file was refused before it was read: not a regular file, or larger than its bound.</summary>
public sealed class BoundedFileException(string path, string reason) : IOException($"{path} {reason}")
{
    public string Path { get; } = path;

    /// <summary>Why, without the path: "is a FIFO (named pipe), not a regular file".</summary>
    public string Reason { get; } = reason;
}
