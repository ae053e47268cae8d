using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>The rate limit on requests that change something, per requester, answered with 429 and Retry-After.</summary>
/// <remarks>
/// A token bucket per requester: <see cref="ApiAccessOptions.MutationBurst"/> changes at once, refilled one at a
/// time at <see cref="ApiAccessOptions.MutationsPerMinute"/>. A fixed window of the per-minute figure refused a
/// script deploying 50 apps at once (20 of 50 with 30 a minute), and let a runaway client send twice the figure
/// across a window's edge.
/// </remarks>
internal static partial class MutationRateLimit
{
    public const string PolicyName = "mutations";

    public static IServiceCollection AddMutationRateLimit(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiAccessOptions>>((limiter, access) =>
        {
            var perMinute = access.Value.MutationsPerMinute;
            var burst = access.Value.MutationBurst;
            limiter.AddPolicy(PolicyName, context => RateLimitPartition.GetTokenBucketLimiter(
                ApiCaller.PartitionOf(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
                var logger = rejected.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MutationRateLimit).FullName!);
                Log.Limited(logger, ApiCaller.PartitionOf(rejected.HttpContext), rejected.HttpContext.Request.Method, rejected.HttpContext.Request.Path, retryAfter);
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var problems = rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"At most {burst} changes at once, then {perMinute} a minute, per requester (Cutover:Api:MutationBurst, Cutover:Api:MutationsPerMinute); retry in {retryAfter} s.",
                    },
                });
            };
        });
        services.AddRateLimiter(_ => { });
        return services;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Rate limit: refused {Method} {Path} from {Requester}; retry in {RetryAfterSeconds} s")]
        public static partial void Limited(ILogger logger, string requester, string method, string path, int retryAfterSeconds);
    }
}
