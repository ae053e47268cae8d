using System.Net;

namespace Cutover.Web.Cli.Api;

/// <summary>An answer of the API: read into <typeparamref name="T"/> for tables, and as sent for <c>--json</c>.</summary>
/// <param name="Replayed">The host answered an Idempotency-Key it had seen with the first deployment.</param>
public sealed record ApiResult<T>(T Value, string Json, HttpStatusCode Status, bool Replayed = false);
