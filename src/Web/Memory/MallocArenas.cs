using System.Runtime.InteropServices;

namespace Cutover.Web.Memory;

/// <summary>Caps the C library's malloc arenas for the host process, unless the operator chose a number, and trims them.</summary>
/// <remarks>
/// glibc gives a thread that finds its arena busy a new one, up to eight per core, and seldom hands their pages back.
/// The host's native allocations (the JIT, SQLite, the runtime's type data) are few, so extra arenas buy nothing
/// but resident memory: with 50 apps, 34 MB of malloc heap after 50 parallel deployments; 20 MB with this cap,
/// 15 MB with MALLOC_ARENA_MAX=2 set before the process starts, as the systemd unit does (bench/scale.sh,
/// docs/performance.md). This is for whoever starts the binary by hand. It must run before glibc fixes its limit,
/// which it does the first time a ninth arena is considered, so at the top of Main, before the host starts its threads.
/// </remarks>
internal static class MallocArenas
{
    /// <summary>Two: the main arena and one more, as the usual advice for managed runtimes on glibc has it.</summary>
    public const int Limit = 2;

    private const string EnvironmentVariable = "MALLOC_ARENA_MAX";
    private const int ArenaMaxParameter = -8; // M_ARENA_MAX in <malloc.h>

    /// <summary>Applies <see cref="Limit"/>; false when not on glibc or when MALLOC_ARENA_MAX is set (it wins).</summary>
    public static bool ApplyLimit(Func<string, string?> environment)
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(environment(EnvironmentVariable)))
        {
            return false;
        }

        try
        {
            return Mallopt(ArenaMaxParameter, Limit) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no per-thread arenas to cap).
            return false;
        }
    }

    /// <summary>Returns the free pages of every arena to the system (glibc's malloc_trim); false when not on glibc or nothing was returned.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // glibc's soname: "libc" alone would find libc.so, which on Debian is a linker script (and only with libc6-dev).
    [DllImport("libc.so.6", EntryPoint = "mallopt", ExactSpelling = true)]
    private static extern int Mallopt(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);
}
