using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Cutover.Engine;
using Cutover.Web.Access;
using Cutover.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

/// <summary>A console sign-in holds while its user is configured with the same password hash, in cookies and in open circuits.</summary>
public sealed class ConsoleSessionTests : BunitContext
{
    private const string Password = "correct horse battery staple";
    private readonly IConfigurationRoot _configuration;
    private readonly ConsoleAccounts _accounts;

    public ConsoleSessionTests()
    {
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cutover:Console:Users:0:Name"] = "alice",
            ["Cutover:Console:Users:0:PasswordHash"] = ConsolePasswords.Hash(Password),
        }).Build();
        var startup = _configuration.GetSection(ConsoleAccessOptions.SectionName).Get<ConsoleAccessOptions>()!;
        _accounts = new ConsoleAccounts(
            _configuration,
            Options.Create(startup),
            [new ConsoleAccessOptionsValidator(Options.Create(new EngineOptions()))],
            NullLogger<ConsoleAccounts>.Instance);
    }

    [Fact]
    public void SignIn_CarriesAStampOfTheHash_NotTheHash_AndHoldsWhileTheHashIsTheSame()
    {
        var hash = _configuration["Cutover:Console:Users:0:PasswordHash"]!;
        var identity = SignedIn("alice");

        Assert.True(_accounts.IsCurrent(identity));
        Assert.DoesNotContain(identity.Claims, c => c.Value.Contains(hash, StringComparison.Ordinal));

        _configuration["Cutover:Console:Users:0:Name"] = "alice";
        _configuration.Reload();

        Assert.True(_accounts.IsCurrent(identity));
    }

    [Fact]
    public void SignIn_NoLongerHolds_OnceTheSameUserHasANewHash_OrIsRemoved()
    {
        var alice = SignedIn("alice");

        // The same password hashed again: another salt, another hash, so another stamp.
        _configuration["Cutover:Console:Users:0:PasswordHash"] = ConsolePasswords.Hash(Password);
        _configuration.Reload();
        var rehashed = _accounts.IsCurrent(alice);
        var signedInAgain = SignedIn("alice");
        _configuration["Cutover:Console:Users:0:Name"] = "bob";
        _configuration.Reload();

        Assert.False(rehashed);
        Assert.False(_accounts.IsCurrent(signedInAgain));
        Assert.Null(_accounts.Find("alice"));
        Assert.NotNull(_accounts.Find("bob"));
    }

    [Fact]
    public void Reload_WithAnInvalidUser_LeavesNobodySignedIn_AndTheLoginRequired()
    {
        var alice = SignedIn("alice");

        _configuration["Cutover:Console:Users:0:PasswordHash"] = "hunter2";
        _configuration.Reload();

        Assert.False(_accounts.IsCurrent(alice));
        Assert.Null(_accounts.Find("alice"));
        Assert.True(_accounts.LoginRequired);
    }

    [Fact]
    public async Task OpenCircuit_OfAUserRemovedFromTheSettings_ReloadsThePage_AndEnds()
    {
        var navigation = Open("alice");

        _configuration["Cutover:Console:Users:0:Name"] = "bob";
        _configuration.Reload();

        var ended = await Renderer.UnhandledException.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.IsType<ConsoleSessionEndedException>(ended);
        var reload = Assert.Single(navigation.History);
        Assert.True(reload.Options.ForceLoad);
        Assert.Equal(navigation.Uri, reload.Uri);
    }

    [Fact]
    public void OpenCircuit_OfAUserStillConfigured_IsLeftAlone_WhenTheSettingsReload()
    {
        var navigation = Open("alice");

        _configuration["Cutover:Console:Users:1:Name"] = "bob";
        _configuration["Cutover:Console:Users:1:PasswordHash"] = ConsolePasswords.Hash(Password);
        _configuration.Reload();

        Assert.Empty(navigation.History);
        Assert.False(Renderer.UnhandledException.IsCompleted);
    }

    /// <summary>A circuit as the framework opens it: the sign-in set from the connection's user, then the layout's watcher.</summary>
    private BunitNavigationManager Open(string user)
    {
        Services.AddSingleton(_accounts);
        Services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationState>();
        var state = (ServerAuthenticationStateProvider)Services.GetRequiredService<AuthenticationStateProvider>();
        state.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(SignedIn(user)))));
        Render<SessionEnd>();
        return (BunitNavigationManager)Services.GetRequiredService<NavigationManager>();
    }

    private ClaimsIdentity SignedIn(string user) => (ClaimsIdentity)ConsoleAccounts.SignedIn(_accounts.Find(user)!).Identity!;
}
