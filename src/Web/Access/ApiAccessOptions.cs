using System.ComponentModel.DataAnnotations;

namespace Cutover.Web.Access;

/// <summary>Who may call the API and how often (section <c>Cutover:Api</c>).</summary>
public sealed class ApiAccessOptions
{
    public const string SectionName = "Cutover:Api";

    /// <summary>Named bearer tokens; required when the admin URL is bound beyond the loopback address.</summary>
    public List<ApiToken> Tokens { get; set; } = [];

    /// <summary>Requests that change something, per requester and minute, before 429.</summary>
    [Range(1, 100_000)]
    public int MutationsPerMinute { get; set; } = 30;

    /// <summary>More names the admin URL is reached by (a DNS name of the machine, a reverse proxy's name); addresses need none.</summary>
    public List<string> AllowedHosts { get; set; } = [];
}

/// <summary>A token and the name the audit trail records for whoever presents it.</summary>
public sealed class ApiToken
{
    public string Name { get; set; } = string.Empty;

    public string Token { get; set; } = string.Empty;
}
