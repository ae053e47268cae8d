using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary><c>?wait=true&amp;timeout=SECONDS</c>: how long a request may hold its answer until the deployment ends.</summary>
internal sealed record WaitBound(TimeSpan? Bound, ProblemHttpResult? Problem)
{
    public const int DefaultSeconds = 300;
    public const int MaxSeconds = 1800;

    public static WaitBound Parse(IQueryCollection query)
    {
        var wait = query["wait"].ToString();
        if (wait.Length == 0 || wait.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return new WaitBound(null, null);
        }

        if (!wait.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return new WaitBound(null, ApiProblems.BadRequest($"wait must be true or false, not '{wait}'."));
        }

        var timeout = query["timeout"].ToString();
        if (timeout.Length == 0)
        {
            return new WaitBound(TimeSpan.FromSeconds(DefaultSeconds), null);
        }

        return int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= MaxSeconds
            ? new WaitBound(TimeSpan.FromSeconds(seconds), null)
            : new WaitBound(null, ApiProblems.BadRequest($"timeout must be a whole number of seconds from 1 to {MaxSeconds}, not '{timeout}'."));
    }
}
