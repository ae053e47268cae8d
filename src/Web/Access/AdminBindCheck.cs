using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Cutover.Web.Access;

/// <summary>Stops the host when its admin listener is bound beyond this machine without API tokens or console users.</summary>
/// <remarks>
/// The options validators refuse a <c>Cutover:AdminUrl</c> that says so before anything is bound; this decides on
/// what Kestrel actually bound, which no setting alone tells: <c>Kestrel:Endpoints</c> replace the admin URL, and
/// host names bind every interface. It runs once the server has started (every hosted service's StartAsync,
/// Kestrel's included, has run) and before the host reports started; until then, requests wait for its verdict,
/// so that nothing is answered on an address it refuses.
/// </remarks>
internal sealed partial class AdminBindCheck(
    IServer server,
    IConfiguration configuration,
    IOptions<ApiAccessOptions> api,
    IOptions<ConsoleAccessOptions> console,
    ILogger<AdminBindCheck> logger) : IHostedLifecycleService
{
    private const string EndpointsSection = "Kestrel:Endpoints";
    private readonly TaskCompletionSource<bool> _verdict = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits for the check; true when the admin listener may answer, false when the host refused to start.</summary>
    public Task<bool> WaitAsync(CancellationToken cancellationToken) => _verdict.Task.WaitAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var endpoints = configuration.GetSection(EndpointsSection).GetChildren().Any();
        var setting = endpoints ? EndpointsSection : "Cutover:AdminUrl";
        var fix = endpoints ? $"bind {EndpointsSection} to 127.0.0.1" : "bind the admin URL to 127.0.0.1";
        var problems = new List<string>();
        foreach (var address in bound.Where(a => !AdminAddress.StaysOnThisMachine(a)))
        {
            var where = $"The admin listener {address} ({setting})";
            if (api.Value.Tokens.Count == 0)
            {
                problems.Add(NoTokens(where, address, fix));
            }

            if (!console.Value.LoginRequired)
            {
                problems.Add(NoUsers(where, address, fix));
            }
        }

        if (problems.Count > 0)
        {
            _verdict.TrySetResult(false);
            throw new AdminExposedException(problems);
        }

        Log.Bound(logger, string.Join(", ", bound));
        _verdict.TrySetResult(true);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        // A stop asked for while starting: requests still waiting are let go, and the server closes them.
        _verdict.TrySetResult(false);
        return Task.CompletedTask;
    }

    /// <summary>The first entry of a <c>;</c>-separated URL list that is reachable beyond this machine, or null.</summary>
    public static string? FirstExposed(string urls) => AdminAddress.Split(urls).FirstOrDefault(u => !AdminAddress.StaysOnThisMachine(u));

    public static string NoTokens(string where, string address, string fix) =>
        $"{where} is reachable beyond this machine{Why(address)}, and {ApiAccessOptions.SectionName}:Tokens is empty: configure at least one token, or {fix}.";

    public static string NoUsers(string where, string address, string fix) =>
        $"{where} is reachable beyond this machine{Why(address)}, and {ConsoleAccessOptions.SectionName}:Users is empty: "
        + $"the console would be open to anyone; add a user (cutover hash-password makes the hash), or {fix}.";

    private static string Why(string address) => AdminAddress.WhyExposed(address) is { } why ? $" ({why})" : string.Empty;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "The admin listener is bound to {Addresses}")]
        public static partial void Bound(ILogger logger, string addresses);
    }
}

/// <summary>The admin listener is bound beyond this machine with nothing to stop strangers; one problem per line.</summary>
internal sealed class AdminExposedException(IReadOnlyList<string> problems) : Exception(string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
