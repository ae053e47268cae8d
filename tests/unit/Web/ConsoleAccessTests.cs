using Cutover.Engine;
using Cutover.Web.Access;
using Cutover.Web.Cli;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

public sealed class ConsoleAccessTests
{
    [Fact]
    public void Hash_VerifiesTheRightPasswordOnly_AndIsSaltedEachTime()
    {
        var hash = ConsolePasswords.Hash("correct horse battery staple");
        var account = new ConsoleAccount { Name = "alice", PasswordHash = hash };

        Assert.True(ConsolePasswords.IsHash(hash));
        Assert.True(ConsolePasswords.Verify(account, "correct horse battery staple"));
        Assert.False(ConsolePasswords.Verify(account, "correct horse battery stapler"));
        Assert.NotEqual(hash, ConsolePasswords.Hash("correct horse battery staple"));
    }

    [Fact]
    public void Validate_ExposedWithoutUsers_Fails_AndLoopbackWithoutUsersNeedsNoLogin()
    {
        var exposed = Validate("http://0.0.0.0:5080");
        var local = Validate("http://127.0.0.1:5080");

        Assert.Contains("the console would be open to anyone", exposed.FailureMessage);
        Assert.True(local.Succeeded);
        Assert.False(new ConsoleAccessOptions().LoginRequired);
    }

    [Fact]
    public void Validate_BadNamesDuplicatesAndNonHashes_AreEachReported()
    {
        var good = ConsolePasswords.Hash("correct horse battery staple");

        var result = Validate(
            "http://0.0.0.0:5080",
            new ConsoleAccount { Name = "al ice", PasswordHash = good },
            new ConsoleAccount { Name = "bob", PasswordHash = "hunter2" },
            new ConsoleAccount { Name = "bob", PasswordHash = good });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("'al ice' must be a word"));
        Assert.Contains(result.Failures!, f => f.Contains("Users:1:PasswordHash is not a password hash"));
        Assert.Contains(result.Failures!, f => f.Contains("'bob' is used twice"));
    }

    [Fact]
    public async Task HashPasswordVerb_PrintsAHashOfTheFirstLine_AndRefusesAShortPassword()
    {
        var (code, output, _) = await RunAsync("correct horse battery staple\n");
        var (shortCode, _, error) = await RunAsync("short\n");

        Assert.Equal(0, code);
        Assert.True(ConsolePasswords.Verify(new ConsoleAccount { PasswordHash = output.Trim() }, "correct horse battery staple"));
        Assert.Equal(2, shortCode);
        Assert.Contains("at least 12 characters", error);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string input)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment(output, error, false, _ => null, () => throw new InvalidOperationException("no network")) { Input = new StringReader(input) };
        var code = await new CliApp(environment).RunAsync(["hash-password"], CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static ValidateOptionsResult Validate(string adminUrl, params ConsoleAccount[] users) =>
        new ConsoleAccessOptionsValidator(Options.Create(new EngineOptions { AdminUrl = adminUrl }))
            .Validate(null, new ConsoleAccessOptions { Users = [.. users] });
}
