using Cutover.Engine;
using Cutover.Web.Access;
using Cutover.Web.Composition;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

public sealed class AdminBindCheckTests
{
    private const string GoodToken = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://[::ffff:127.0.0.1]:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://LOCALHOST:5080/", true)]
    [InlineData("http://unix:/run/cutover/admin.sock", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://loopback:5080", false)]
    [InlineData("http://localhost.example:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("not a url", false)]
    public void StaysOnThisMachine_FollowsHowKestrelBinds(string url, bool local) =>
        Assert.Equal(local, AdminAddress.StaysOnThisMachine(url));

    [Theory]
    [InlineData("http://127.0.0.1:5080/;http://0.0.0.0:5081", "http://0.0.0.0:5081")]
    [InlineData("http://loopback:5080", "http://loopback:5080")]
    [InlineData("http://127.0.0.1:5080; http://[::1]:5080", null)]
    public void FirstExposed_FindsTheEntryOfAListThatIsReachableFromElsewhere(string urls, string? exposed) =>
        Assert.Equal(exposed, AdminBindCheck.FirstExposed(urls));

    [Fact]
    public void Validators_RefuseALoopbackNameAndAListHidingAnAnyAddress_BeforeAnythingIsBound()
    {
        var name = Validate("http://loopback:5080");
        var list = Validate("http://127.0.0.1:5080/;http://0.0.0.0:5081");

        Assert.StartsWith("Cutover:AdminUrl http://loopback:5080 is reachable beyond this machine (Kestrel binds the host name 'loopback' to every interface", name);
        Assert.StartsWith("Cutover:AdminUrl http://0.0.0.0:5081 is reachable beyond this machine, and Cutover:Api:Tokens is empty", list);
    }

    [Fact]
    public async Task StartedAsync_AnyAddressBoundWithoutTokensOrUsers_RefusesWithALineForEach_AndRequestsAreLetGo()
    {
        var check = Check(["http://[::]:5080"], endpoints: true);

        var refused = await Assert.ThrowsAsync<AdminExposedException>(() => check.StartedAsync(CancellationToken.None));

        Assert.Collection(
            refused.Problems,
            line => Assert.Equal("The admin listener http://[::]:5080 (Kestrel:Endpoints) is reachable beyond this machine, and Cutover:Api:Tokens is empty: configure at least one token, or bind Kestrel:Endpoints to 127.0.0.1.", line),
            line => Assert.StartsWith("The admin listener http://[::]:5080 (Kestrel:Endpoints) is reachable beyond this machine, and Cutover:Console:Users is empty", line));
        Assert.False(await check.WaitAsync(CancellationToken.None));
        var refusal = StartupRefusal.From(refused, null)!;
        Assert.Equal(1, refusal.ExitCode);
        Assert.Equal(2, refusal.Lines.Count);
    }

    [Fact]
    public async Task StartedAsync_LoopbackOnly_OrGuardedByTokensAndUsers_LetsRequestsThrough()
    {
        var loopback = Check(["http://127.0.0.1:5080", "http://[::1]:5080", "http://localhost:5081"]);
        var guarded = Check(["http://0.0.0.0:5080"], tokens: true, users: true);

        await loopback.StartedAsync(CancellationToken.None);
        await guarded.StartedAsync(CancellationToken.None);

        Assert.True(await loopback.WaitAsync(CancellationToken.None));
        Assert.True(await guarded.WaitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task StartedAsync_AnyAddressWithTokensButNoUsers_RefusesForTheConsoleAlone()
    {
        var check = Check(["http://0.0.0.0:5080"], tokens: true);

        var refused = await Assert.ThrowsAsync<AdminExposedException>(() => check.StartedAsync(CancellationToken.None));

        var line = Assert.Single(refused.Problems);
        Assert.StartsWith("The admin listener http://0.0.0.0:5080 (Cutover:AdminUrl) is reachable beyond this machine, and Cutover:Console:Users is empty", line);
    }

    private static string Validate(string adminUrl) =>
        Assert.Single(new ApiAccessOptionsValidator(Options.Create(new EngineOptions { AdminUrl = adminUrl })).Validate(null, new ApiAccessOptions()).Failures!);

    private static AdminBindCheck Check(string[] bound, bool tokens = false, bool users = false, bool endpoints = false)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(endpoints ? new Dictionary<string, string?> { ["Kestrel:Endpoints:Admin:Url"] = bound[0] } : [])
            .Build();
        var api = new ApiAccessOptions { Tokens = tokens ? [new ApiToken { Name = "ci", Token = GoodToken }] : [] };
        var console = new ConsoleAccessOptions { Users = users ? [new ConsoleAccount { Name = "ops", PasswordHash = ConsolePasswords.Hash("correct horse battery staple") }] : [] };
        return new AdminBindCheck(new BoundServer(bound), configuration, Options.Create(api), Options.Create(console), NullLogger<AdminBindCheck>.Instance);
    }

    /// <summary>A server that reports the addresses it was given as bound.</summary>
    private sealed class BoundServer : IServer
    {
        public BoundServer(IEnumerable<string> addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
