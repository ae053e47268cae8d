using Cutover.Proxy.Routing;
using Cutover.Proxy.Traffic;

namespace Cutover.Tests.Unit.Proxy.Routing;

public class SlotTargetTests
{
    private readonly SlotTarget _target = new(Slot.Blue, 18080, new ChangeSignal());

    [Fact]
    public void Target_AddressesTheSlotPortOnLoopback()
    {
        Assert.Equal("http://127.0.0.1:18080/", _target.DestinationPrefix);
    }

    [Fact]
    public void Enter_CountsARequestUntilItEnds()
    {
        var exchange = FakeExchange.Request(_target);
        Assert.Equal(new TrafficCounts(1, 0), _target.Counts);

        exchange.End();
        exchange.End();
        Assert.Equal(new TrafficCounts(0, 0), _target.Counts);
    }

    [Fact]
    public void MarkUpgraded_MovesTheExchangeFromRequestsToSockets()
    {
        var exchange = FakeExchange.Socket(_target);
        Assert.Equal(new TrafficCounts(0, 1), _target.Counts);

        exchange.End();
        Assert.Equal(new TrafficCounts(0, 0), _target.Counts);
    }

    [Fact]
    public void AbortRequests_CutsRunningRequestsButNotSockets()
    {
        var request = FakeExchange.Request(_target);
        var socket = FakeExchange.Socket(_target);

        var aborted = _target.AbortRequests();

        Assert.Equal(1, aborted);
        Assert.True(request.Aborted);
        Assert.False(socket.Aborted);
    }

    [Fact]
    public void AbortRequests_SparesExchangesThatArriveAfterwards()
    {
        var before = FakeExchange.Request(_target);
        _target.AbortRequests();
        var after = FakeExchange.Request(_target);

        Assert.True(before.Aborted);
        Assert.False(after.Aborted);
    }

    [Fact]
    public void AbortSockets_CutsUpgradedConnectionsOnly()
    {
        var request = FakeExchange.Request(_target);
        var socket = FakeExchange.Socket(_target);

        Assert.Equal(1, _target.AbortSockets());
        Assert.True(socket.Aborted);
        Assert.False(request.Aborted);
    }

    [Fact]
    public void Changed_IsSignalledByEveryCountChange()
    {
        var next = _target.Changed.NextAsync();
        Assert.False(next.IsCompleted);

        FakeExchange.Request(_target);
        Assert.True(next.IsCompleted);
    }
}
