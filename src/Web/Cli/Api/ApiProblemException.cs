using System.Net;

namespace Cutover.Web.Cli.Api;

/// <summary>The host answered with an error: its problem details' title and detail, as an operator reads them.</summary>
public sealed class ApiProblemException(HttpStatusCode status, string title, string? detail, TimeSpan? retryAfter = null)
    : Exception(detail is null ? title : $"{title}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    /// <summary>From a 429's Retry-After.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>4xx: the request was wrong or not allowed; 5xx: the host could not carry it out.</summary>
    public bool IsRefusal => (int)Status is >= 400 and < 500;
}
