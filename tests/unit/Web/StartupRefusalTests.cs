using System.Net.Sockets;
using Cutover.Engine;
using Cutover.Engine.Configuration;
using Cutover.Engine.Hosting;
using Cutover.Web.Access;
using Cutover.Web.Composition;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

public sealed class StartupRefusalTests
{
    [Fact]
    public void OptionsRefusedTogether_AreOneLineEach_WithoutTheAggregateAround()
    {
        var refusal = StartupRefusal.From(new AggregateException(
            new OptionsValidationException(string.Empty, typeof(ApiAccessOptions), ["Cutover:Api:Tokens is empty."]),
            new OptionsValidationException(string.Empty, typeof(ConsoleAccessOptions), ["Cutover:Console:Users is empty."])), null);

        Assert.Equal(1, refusal!.ExitCode);
        Assert.Equal(["cutover: cannot start: Cutover:Api:Tokens is empty.", "cutover: cannot start: Cutover:Console:Users is empty."], refusal.Lines);
        Assert.Null(refusal.Unexpected);
    }

    [Fact]
    public void DataAnnotationFailure_NamesTheConfigurationKey()
    {
        var failure = "DataAnnotation validation failed for 'EngineOptions' members: 'StopTimeout' with the error: 'The field StopTimeout must be between 00:00:01 and 00:10:00.'.";

        var refusal = StartupRefusal.From(new OptionsValidationException(string.Empty, typeof(EngineOptions), [failure]), null);

        Assert.Equal(["cutover: cannot start: Cutover:StopTimeout: The field StopTimeout must be between 00:00:01 and 00:10:00."], refusal!.Lines);
    }

    [Fact]
    public void InvalidAppsYaml_IsOneLinePerProblem_WithFileLineAndColumn()
    {
        var refusal = StartupRefusal.From(new ConfigException([
            new ConfigProblem("/etc/cutover/apps.yaml", 4, 11, "apps.shop.pull", "'sometimes' is not a pull policy"),
            new ConfigProblem("/etc/cutover/apps.yaml", 9, 5, "apps.shop.slots", "blue and green are the same port"),
        ]), null);

        Assert.Equal([
            "cutover: cannot start: /etc/cutover/apps.yaml:4:11: apps.shop.pull: 'sometimes' is not a pull policy",
            "cutover: cannot start: /etc/cutover/apps.yaml:9:5: apps.shop.slots: blue and green are the same port",
        ], refusal!.Lines);
    }

    [Fact]
    public void AdminPortInUse_SaysWhichAddressAndWhichSetting()
    {
        var kestrel = new IOException(
            "Failed to bind to address http://127.0.0.1:5080: address already in use.",
            new AddressInUseException("Address already in use", new SocketException((int)SocketError.AddressAlreadyInUse)));

        var refusal = StartupRefusal.From(kestrel, null);

        Assert.Equal(["cutover: cannot start: 127.0.0.1:5080 is already in use (Cutover:AdminUrl); stop what listens there or choose another port"], refusal!.Lines);
    }

    [Fact]
    public void UnreadableValue_NamesTheKeyAndWhatWasWrong()
    {
        var binder = new InvalidOperationException(
            "Failed to convert configuration value 'abc' at 'Cutover:StopTimeout' to type 'System.TimeSpan'.",
            new FormatException("abc is not a valid value for TimeSpan.", new FormatException("String 'abc' was not recognized as a valid TimeSpan.")));

        var refusal = StartupRefusal.From(binder, null);

        Assert.Equal(["cutover: cannot start: Cutover:StopTimeout: String 'abc' was not recognized as a valid TimeSpan."], refusal!.Lines);
    }

    [Fact]
    public void EngineRefusal_IsItsOwnSentence()
    {
        var refusal = StartupRefusal.From(new EngineStartException("the database /srv/c.db (Cutover:Database) cannot be opened: disk I/O error", new IOException("disk")), null);

        Assert.Equal(["cutover: cannot start: the database /srv/c.db (Cutover:Database) cannot be opened: disk I/O error"], refusal!.Lines);
    }

    [Fact]
    public void UnexpectedException_IsStillOneLine_AndKeptWhole_ForStdout()
    {
        var bug = new NullReferenceException("Object reference not set to an instance of an object.\nsecond line");

        var refusal = StartupRefusal.From(bug, null);
        var error = new StringWriter();
        var output = new StringWriter();
        var exitCode = refusal!.WriteTo(error, output);

        Assert.Equal(1, exitCode);
        Assert.Equal(["cutover: cannot start: Object reference not set to an instance of an object. (NullReferenceException; the details are on stdout)"], refusal.Lines);
        Assert.Single(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(nameof(NullReferenceException), output.ToString());
    }

    [Fact]
    public void StopAskedForWhileStarting_IsAQuietStop()
    {
        var lifetime = new Lifetime();
        lifetime.StopApplication();

        var refusal = StartupRefusal.From(new TaskCanceledException(), lifetime);

        Assert.Equal((0, 0), (refusal!.ExitCode, refusal.Lines.Count));
    }

    [Fact]
    public void DesignTimeAbort_IsNotARefusal()
    {
        Assert.Null(StartupRefusal.From(new HostAbortedException(), null));
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();
    }
}
