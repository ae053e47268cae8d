namespace Cutover.Tests.Unit.Engine.Configuration;

/// <summary>apps.yaml texts more than one test reads.</summary>
internal static class YamlSamples
{
    /// <summary>One app with every key of the original format set (its env_file, shop.env, is the test's to write).</summary>
    public const string EveryKey = """
        apps:
          shop:
            image: localhost:5000/shop:1.4.2
            pull: always
            listen: 0.0.0.0:8080
            slots: { blue: 18080, green: 18081 }
            container:
              port: 9000
              env: { ASPNETCORE_ENVIRONMENT: Production, WORKERS: 4 }
              env_file: shop.env
              volumes: ["/srv/shop/data:/data", "cache:/cache:ro"]
              memory: 512m
              cpus: 1.5
              command: ["./shop", "--serve"]
            health:
              path: /health
              expect: 200-299
              interval: 2s
              timeout: 500ms
              healthy_after: 4
              start_grace: 5s
              deadline: 1m
            drain:
              timeout: 45s
              websocket_timeout: 1.5s
        """;
}
