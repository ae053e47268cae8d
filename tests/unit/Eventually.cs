namespace Cutover.Tests.Unit;

/// <summary>Waits in real time, within a bound, for a condition that another task makes true.</summary>
internal static class Eventually
{
    private static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(10);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, within);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var bound = within ?? DefaultBound;
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {bound.TotalSeconds:0} s: {what}");
            await Task.Delay(5);
        }
    }
}
