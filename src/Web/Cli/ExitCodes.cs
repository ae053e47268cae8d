namespace Cutover.Web.Cli;

/// <summary>What <c>cutover &lt;verb&gt;</c> exits with; scripts branch on these, so they never change meaning.</summary>
public static class ExitCodes
{
    /// <summary>The request was done; a waited-for deployment completed.</summary>
    public const int Success = 0;

    /// <summary>It ran but did not succeed: a deployment ended rolled_back, failed or cancelled; the audit chain is broken; apps.yaml has problems; the host failed (5xx).</summary>
    public const int NotSucceeded = 1;

    /// <summary>Bad arguments; nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>The host could not be reached (nothing listens at --url, or it did not answer in time).</summary>
    public const int Unreachable = 3;

    /// <summary>The host refused the request (a 4xx problem: unknown app, conflict, bad image, token, rate limit).</summary>
    public const int Refused = 4;

    /// <summary>--wait gave up at --timeout while the deployment still runs; it goes on without the CLI.</summary>
    public const int StillRunning = 5;

    /// <summary>The table printed under the root command's help.</summary>
    public const string Help = """
        Exit codes:
          0  success (a waited-for deployment completed)
          1  the operation ran but did not succeed: a deployment ended rolled_back, failed or cancelled,
             audit verify found a broken chain, config validate found problems, or the host failed (5xx)
          2  usage error: bad arguments
          3  the host could not be reached
          4  the host refused the request (4xx: unknown app, conflict, bad image, token, rate limit)
          5  --wait reached --timeout while the deployment still runs
        """;
}
