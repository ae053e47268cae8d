using Cutover.Web.Memory;

namespace Cutover.Tests.Unit.Web.Memory;

public sealed class MallocArenasTests
{
    [Fact]
    public void On_glibc_the_limit_is_applied()
    {
        // Cutover runs on Debian and Ubuntu: glibc. A wrong library or entry point name would answer false here.
        Assert.True(MallocArenas.ApplyLimit(_ => null));
    }

    [Fact]
    public void An_operators_MALLOC_ARENA_MAX_wins()
    {
        var asked = new List<string>();

        var applied = MallocArenas.ApplyLimit(name =>
        {
            asked.Add(name);
            return "4";
        });

        Assert.False(applied);
        Assert.Equal(OperatingSystem.IsLinux() ? ["MALLOC_ARENA_MAX"] : [], asked);
    }
}
