using Cutover.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Cutover.Tests.Unit.Proxy.Routing;

public class StickyCookieTests
{
    private readonly StickyCookie _cookie = new("shop");

    [Theory]
    [InlineData("cutover_slot_shop=blue", Slot.Blue)]
    [InlineData("cutover_slot_shop=green", Slot.Green)]
    [InlineData("session=abc; cutover_slot_shop=green; theme=dark", Slot.Green)]
    public void Read_TheAppsCookie_NamesItsSlot(string header, Slot expected)
    {
        Assert.Equal(expected, _cookie.Read(RequestWithCookie(header)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("session=abc")]
    [InlineData("cutover_slot_blog=green")]
    [InlineData("cutover_slot_shop=")]
    [InlineData("cutover_slot_shop=Blue")]
    [InlineData("cutover_slot_shop=GREEN")]
    [InlineData("cutover_slot_shop=red")]
    [InlineData("cutover_slot_shop=blue%0d%0aX-Evil: 1")]
    [InlineData("cutover_slot_shop=blue green")]
    [InlineData("cutover_slot_shop=1")]
    [InlineData("cutover_slot_shop=\"blue\"")]
    [InlineData("cutover_slot_shop=../green")]
    [InlineData("cutover_slot_shopx=green")]
    public void Read_AnythingButExactlyBlueOrGreenOfThisApp_IsNoSlot(string? header)
    {
        Assert.Null(_cookie.Read(RequestWithCookie(header)));
    }

    [Fact]
    public void SetCookie_IsASessionCookieForTheWholeSite_HiddenFromScripts_AndLax()
    {
        var header = _cookie.SetCookieFor(Slot.Green);

        Assert.Equal("cutover_slot_shop=green; path=/; samesite=lax; httponly", header);
        Assert.Equal("cutover_slot_shop=blue; path=/; samesite=lax; httponly", _cookie.SetCookieFor(Slot.Blue));
    }

    [Fact]
    public void SetCookie_ReadBack_NamesTheSameSlot()
    {
        foreach (var slot in new[] { Slot.Blue, Slot.Green })
        {
            var pair = _cookie.SetCookieFor(slot).Split(';')[0];
            Assert.Equal(slot, _cookie.Read(RequestWithCookie(pair)));
        }
    }

    private static HttpRequest RequestWithCookie(string? header)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers.Cookie = header;
        }

        return context.Request;
    }
}
