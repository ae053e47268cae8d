using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cutover.Tests.Unit.Proxy;

/// <summary>An exchange counted on a slot target, with a context that records being aborted.</summary>
internal sealed class FakeExchange : IHttpRequestLifetimeFeature
{
    private FakeExchange(SlotTarget target)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpRequestLifetimeFeature>(this);
        Lease = target.Enter(context);
    }

    public ExchangeLease Lease { get; }

    public bool Aborted { get; private set; }

    public CancellationToken RequestAborted { get; set; }

    public static FakeExchange Request(SlotTarget target) => new(target);

    public static FakeExchange Socket(SlotTarget target)
    {
        var exchange = new FakeExchange(target);
        exchange.Lease.MarkUpgraded();
        return exchange;
    }

    public void Abort() => Aborted = true;

    public void End() => Lease.Dispose();
}
