using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Forwarder;

namespace Cutover.Bench.ProxyHost;

/// <summary>A deliberate per-request regression for the bench only: burns CPU before each forward.</summary>
/// <remarks>
/// It wraps YARP's <see cref="IHttpForwarder"/>, which Cutover's forwarder takes from the container, so the product's
/// code is untouched and the cost lands on exactly the requests the proxy forwards. It exists to show that
/// <c>bench/proxy.sh --check</c> fails on a regression of known size (docs/performance.md, "Regression guard").
/// </remarks>
internal sealed class SpinningForwarder(IHttpForwarder inner, TimeSpan spin) : IHttpForwarder
{
    private readonly long _ticks = (long)(spin.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

    public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer)
        => SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, CancellationToken.None);

    public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer, CancellationToken cancellationToken)
    {
        // A busy wait, not a sleep: the point is CPU time per request, which is what the check measures.
        var end = System.Diagnostics.Stopwatch.GetTimestamp() + _ticks;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < end)
        {
            Thread.SpinWait(8);
        }

        return inner.SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, cancellationToken);
    }
}

/// <summary>Registers <see cref="SpinningForwarder"/> around whatever forwarder the proxy registered.</summary>
internal static class SpinPerRequestRegistration
{
    public static IServiceCollection AddSpinPerRequest(this IServiceCollection services, TimeSpan spin)
    {
        var original = services.Last(d => d.ServiceType == typeof(IHttpForwarder));
        var implementation = original.ImplementationType
            ?? throw new InvalidOperationException("bench-proxy: the IHttpForwarder registration is not a plain type; BENCH_SPIN_US cannot wrap it");
        services.RemoveAll<IHttpForwarder>();
        services.AddSingleton<IHttpForwarder>(sp => new SpinningForwarder((IHttpForwarder)ActivatorUtilities.CreateInstance(sp, implementation), spin));
        return services;
    }
}
