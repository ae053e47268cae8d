using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Health;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Traffic;

namespace Cutover.Engine.Status;

/// <summary>Assembles <see cref="AppStatus"/> from the config, SQLite, the proxy's counters and the health board.</summary>
public sealed class AppStatusReader(
    AppsConfigMonitor config,
    AppStateStore state,
    ITrafficSwitch traffic,
    HealthBoard board,
    DeploymentCoordinator coordinator,
    Maintenance.AppMaintenance maintenance)
{
    public async Task<IReadOnlyList<AppStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var statuses = new List<AppStatus>();
        foreach (var name in config.Current.Apps.Keys.Order(StringComparer.Ordinal))
        {
            if (await GetAsync(name, cancellationToken) is { } status)
            {
                statuses.Add(status);
            }
        }

        return statuses;
    }

    public async Task<AppStatus?> GetAsync(string app, CancellationToken cancellationToken)
    {
        if (!config.Current.Apps.TryGetValue(app, out var spec))
        {
            return null;
        }

        var stored = await state.GetAsync(app, cancellationToken);
        var containers = await state.GetContainersAsync(app, cancellationToken);
        var served = traffic.GetTraffic(app);
        var active = served?.ActiveSlot ?? stored?.ActiveSlot;

        SlotStatus SlotOf(Slot slot)
        {
            var container = containers.FirstOrDefault(c => c.Slot == slot);
            var health = board.Get(app, slot);
            return new SlotStatus(
                slot,
                served?.Ports.Of(slot) ?? container?.HostPort ?? spec.Slots.Of(slot),
                slot == active,
                container?.ContainerId,
                container?.Image,
                container?.Running ?? false,
                health?.Status ?? "unknown",
                health?.Last,
                served?.Of(slot) ?? default,
                container?.UpdatedAt.AsUtc());
        }

        var slots = new[] { SlotOf(Slot.Blue), SlotOf(Slot.Green) };
        var activeSlot = active is { } a ? slots[(int)a] : null;
        return new AppStatus(
            app,
            active,
            stored?.ActiveImage,
            spec.Image,
            activeSlot?.Health ?? "unknown",
            new InFlight(slots.Sum(s => s.InFlight.Requests), slots.Sum(s => s.InFlight.Sockets)),
            served?.Listening ?? spec.Listen.ToString(),
            served?.ListenerError,
            coordinator.RunningFor(app),
            slots)
        {
            Maintenance = maintenance.Get(app),
            Split = served?.Split,
            Preview = served?.Preview,
        };
    }
}
