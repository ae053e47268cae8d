namespace Cutover.Tests.E2E.Engine;

/// <summary>apps.yaml for one demo app on fresh 127.0.0.1 ports, with fast health checks and short drains.</summary>
public sealed record AppsYaml(string App, string Image, int Listen, int Blue, int Green)
{
    public static AppsYaml Fresh(string app, string image) =>
        new(app, image, LoopbackPorts.Next(), LoopbackPorts.Next(), LoopbackPorts.Next());

    public string Health { get; init; } = "{ path: /health, interval: 250ms, timeout: 1s, healthy_after: 2, deadline: 15s }";

    public string Drain { get; init; } = "{ timeout: 10s, websocket_timeout: 2s }";

    public string Pull { get; init; } = "never";

    public string Container { get; init; } = "{ port: 8080 }";

    public Uri Url => new($"http://127.0.0.1:{Listen}/");

    public string Entry => $$"""
          {{App}}:
            image: {{Image}}
            pull: {{Pull}}
            listen: 127.0.0.1:{{Listen}}
            slots: { blue: {{Blue}}, green: {{Green}} }
            container: {{Container}}
            health: {{Health}}
            drain: {{Drain}}
        """;

    public override string ToString() => "apps:\n" + Entry + "\n";
}
