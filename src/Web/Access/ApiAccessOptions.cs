using System.ComponentModel.DataAnnotations;

namespace Cutover.Web.Access;

/// <summary>Who may call the API and how often (section <c>Cutover:Api</c>).</summary>
public sealed class ApiAccessOptions
{
    public const string SectionName = "Cutover:Api";

    /// <summary>Named bearer tokens; required when the admin URL is bound beyond the loopback address.</summary>
    public List<ApiToken> Tokens { get; set; } = [];

    /// <summary>Requests that change something a requester may send per minute, sustained, once its burst is spent.</summary>
    /// <remarks>One a second: more than any person or pipeline sends for long, far less than a client stuck in a loop.</remarks>
    [Range(1, 100_000)]
    public int MutationsPerMinute { get; set; } = 60;

    /// <summary>Requests that change something a requester may send at once before the per-minute rate applies.</summary>
    /// <remarks>
    /// A script that deploys every application at once is normal automation: 120 covers two such rounds on a host
    /// of 50 apps (a deploy, then a rollback), while a runaway client is refused after 120 and then held to the rate.
    /// </remarks>
    [Range(1, 100_000)]
    public int MutationBurst { get; set; } = 120;

    /// <summary>More names the admin URL is reached by (a DNS name of the machine, a reverse proxy's name); addresses need none.</summary>
    public List<string> AllowedHosts { get; set; } = [];
}

/// <summary>A token and the name the audit trail records for whoever presents it.</summary>
public sealed class ApiToken
{
    public string Name { get; set; } = string.Empty;

    public string Token { get; set; } = string.Empty;
}
