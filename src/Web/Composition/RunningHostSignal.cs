using System.Runtime.InteropServices;

namespace Cutover.Web.Composition;

/// <summary>Asks the running Cutover to stop: SIGTERM, the same as a plain <c>kill</c> or <c>systemctl stop</c>.</summary>
/// <remarks>
/// A signal rather than an API call: it needs no token, reaches a host whose admin listener is bound anywhere,
/// and drives the one stop path that every stop takes (stop accepting, drain, exit 0).
/// </remarks>
internal static class RunningHostSignal
{
    private const int SigTerm = 15;

    /// <returns>Null when sent; otherwise why not.</returns>
    public static string? Terminate(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "takeover needs Linux";
        }

        return Kill(processId, SigTerm) == 0 ? null : $"kill({processId}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}";
    }

    // DllImport rather than LibraryImport: with only ints to pass it needs no marshalling, and no unsafe code in the project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int processId, int signal);
}
