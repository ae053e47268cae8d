namespace Cutover.Tests.Unit.Cli;

/// <summary>JSON as the host writes it (docs/api.md), for the fake API to answer with.</summary>
public static class Samples
{
    public static string Deployment(long id = 12, string status = "queued", string app = "shop", string image = "shop:2", string? error = null, string? finishedAt = null) => $$"""
        {"id":{{id}},"app":"{{app}}","image":"{{image}}","kind":"deploy","slot":"green","previousSlot":"blue","previousImage":"shop:1",
         "status":"{{status}}","requestedBy":"local","reason":null,"metadata":{"git_hash":"abc"},"startedAt":"2026-11-25T10:00:00Z",
         "finishedAt":{{(finishedAt is null ? "null" : $"\"{finishedAt}\"")}},"error":{{(error is null ? "null" : $"\"{error}\"")}},
         "steps":[{"status":"{{status}}","at":"2026-11-25T10:00:01Z","message":"step {{status}}"}]}
        """.ReplaceLineEndings(" ");

    public const string Apps = """
        [{"name":"shop","activeSlot":"blue","activeImage":"shop:1","configuredImage":"shop:1","health":"healthy","inFlight":{"requests":3,"sockets":1},
          "listen":"127.0.0.1:8080","listenerError":null,"runningDeploymentId":null,
          "slots":[{"slot":"blue","port":9001,"active":true,"containerId":"0123456789abcdef","image":"shop:1","running":true,"health":"healthy",
                    "lastCheck":{"at":"2026-11-25T10:00:00Z","healthy":true,"statusCode":200,"latencyMs":4.2,"error":null},"inFlight":{"requests":3,"sockets":1}},
                   {"slot":"green","port":9002,"active":false,"containerId":null,"image":null,"running":false,"health":"unknown","lastCheck":null,"inFlight":{"requests":0,"sockets":0}}]},
         {"name":"blog-api","activeSlot":null,"activeImage":null,"configuredImage":"blog:7","health":"unknown","inFlight":{"requests":0,"sockets":0},
          "listen":"127.0.0.1:8081","listenerError":null,"runningDeploymentId":4,"slots":[]}]
        """;

    /// <summary>A deployment's events as the host streams them, ending with the terminal <paramref name="outcome"/>.</summary>
    public static string Events(long id, string outcome) => $$$"""
        event: deployment
        data: {{{Deployment(id, "queued")}}}

        event: pull
        data: {"image":"shop:2","status":"Downloading","current":1048576,"total":4194304}

        : a comment line the parser must skip

        event: deployment
        data: {{{Deployment(id, "health_checking")}}}

        event: health
        data: {"slot":"green","result":{"at":"2026-11-25T10:00:02Z","healthy":true,"statusCode":200,"latencyMs":3,"error":null}}

        event: drain
        data: {"slot":"blue","status":{"requests":2,"sockets":1,"requestsLeftSeconds":8.5,"socketsLeftSeconds":1.5}}

        event: deployment
        data: {{{Deployment(id, outcome, finishedAt: "2026-11-25T10:00:09Z", error: outcome == "completed" ? null : "health check failed")}}}


        """.ReplaceLineEndings("\n");
}
