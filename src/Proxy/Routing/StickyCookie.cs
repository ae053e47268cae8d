using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Cutover.Proxy.Routing;

/// <summary>The session cookie that keeps a client of one application on the slot it first got during a sticky split.</summary>
/// <remarks>
/// Named per application (<c>cutover_slot_&lt;app&gt;</c>): browsers share cookies between the ports of one host, so
/// two apps on one address would otherwise read each other's. The value is only ever "blue" or "green"; anything
/// else is ignored and replaced, so a forged cookie can at most pick one of the two slots the split serves anyway.
/// It reaches the backend like any other cookie, as NGINX's canary-by-cookie and Traefik's sticky cookies do:
/// stripping it would mean rewriting every request's Cookie header, and it tells the app nothing secret.
/// </remarks>
internal sealed class StickyCookie
{
    private readonly string _setBlue;
    private readonly string _setGreen;

    public StickyCookie(string app)
    {
        Name = "cutover_slot_" + app;
        _setBlue = Format(Name, Slot.Blue);
        _setGreen = Format(Name, Slot.Green);
    }

    public string Name { get; }

    /// <summary>The slot the request's cookie names, or null when it has none or one that is not exactly "blue" or "green".</summary>
    public Slot? Read(HttpRequest request) => request.Cookies.TryGetValue(Name, out var value) ? Parse(value) : null;

    /// <summary>The Set-Cookie header value recording <paramref name="slot"/>: HttpOnly, SameSite=Lax, Path=/, no expiry (session).</summary>
    public string SetCookieFor(Slot slot) => slot == Slot.Blue ? _setBlue : _setGreen;

    public static Slot? Parse(string? value) => value switch
    {
        "blue" => Slot.Blue,
        "green" => Slot.Green,
        _ => null,
    };

    private static string Format(string name, Slot slot) =>
        new SetCookieHeaderValue(name, slot == Slot.Blue ? "blue" : "green")
        {
            Path = "/",
            HttpOnly = true,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
        }.ToString();
}
