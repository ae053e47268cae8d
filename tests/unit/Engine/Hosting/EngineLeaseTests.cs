using Cutover.Engine;
using Cutover.Engine.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Engine.Hosting;

public sealed class EngineLeaseTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cutover-lease-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TryAcquire_WhileAnotherHoldsTheDatabase_IsRefused_AndNamesTheHolder()
    {
        using var first = Lease("http://127.0.0.1:5080");
        using var second = Lease("http://127.0.0.1:5081");

        Assert.True(first.TryAcquire());
        Assert.False(second.TryAcquire());

        var holder = second.ReadHolder();
        Assert.NotNull(holder);
        Assert.Equal(Environment.ProcessId, holder.ProcessId);
        Assert.Equal("http://127.0.0.1:5080", holder.AdminUrl);
        Assert.False(second.Held.IsCompleted);
    }

    [Fact]
    public async Task WaitAsync_OnceTheHolderLetsGo_TakesTheLock_AndWritesItselfDown()
    {
        var first = Lease("http://127.0.0.1:5080");
        using var second = Lease("http://127.0.0.1:5081");
        Assert.True(first.TryAcquire());

        var waiting = second.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        first.Dispose();

        Assert.True(await waiting);
        Assert.True(second.Held.IsCompleted);
        Assert.Equal("http://127.0.0.1:5081", second.ReadHolder()?.AdminUrl);
    }

    [Fact]
    public async Task WaitAsync_WhileTheHolderStays_GivesUpAtItsLimit()
    {
        using var first = Lease("http://127.0.0.1:5080");
        using var second = Lease("http://127.0.0.1:5081");
        Assert.True(first.TryAcquire());

        Assert.False(await second.WaitAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));
    }

    [Fact]
    public void Dispose_LetsGo_AndForgetsWhoHeldIt()
    {
        var first = Lease("http://127.0.0.1:5080");
        Assert.True(first.TryAcquire());
        first.Dispose();

        using var second = Lease("http://127.0.0.1:5081");
        Assert.Null(second.ReadHolder());
        Assert.True(second.TryAcquire());
    }

    private EngineLease Lease(string adminUrl) => new(
        Options.Create(new EngineOptions { Database = Path.Combine(_folder, "data", "cutover.db"), AdminUrl = adminUrl }),
        TimeProvider.System,
        NullLogger<EngineLease>.Instance);
}
