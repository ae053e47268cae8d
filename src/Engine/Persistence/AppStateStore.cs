using Cutover.Engine.Model;
using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Which slot each app serves and which container each slot holds.</summary>
public sealed class AppStateStore(IDbContextFactory<CutoverDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, AppState>> GetAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Apps.AsNoTracking().ToDictionaryAsync(a => a.Name, StringComparer.Ordinal, cancellationToken);
    }

    public async Task<AppState?> GetAsync(string app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.Name == app, cancellationToken);
    }

    /// <summary>Records that <paramref name="slot"/> serves the app now (null: nothing does).</summary>
    public Task SetActiveAsync(string app, Slot? slot, string? image, long? deploymentId, CancellationToken cancellationToken) =>
        UpsertAsync(app, state =>
        {
            state.ActiveSlot = slot;
            state.ActiveImage = image;
            state.ActiveDeploymentId = deploymentId;
        }, cancellationToken);

    /// <summary>Records the apps.yaml image last acted on (see <see cref="AppState.ConfigImage"/>).</summary>
    public Task SetConfigImageAsync(string app, string image, CancellationToken cancellationToken) =>
        UpsertAsync(app, state => state.ConfigImage = image, cancellationToken);

    public async Task RemoveAppAsync(string app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Containers.Where(c => c.App == app).ExecuteDeleteAsync(cancellationToken);
        await db.Apps.Where(a => a.Name == app).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ContainerRecord>> GetContainersAsync(string? app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Containers.AsNoTracking();
        return app is null ? await query.ToListAsync(cancellationToken) : await query.Where(c => c.App == app).ToListAsync(cancellationToken);
    }

    public async Task<ContainerRecord?> GetContainerAsync(string app, Slot slot, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Containers.AsNoTracking().SingleOrDefaultAsync(c => c.App == app && c.Slot == slot, cancellationToken);
    }

    public async Task SaveContainerAsync(ContainerRecord container, CancellationToken cancellationToken)
    {
        container.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Containers.SingleOrDefaultAsync(c => c.App == container.App && c.Slot == container.Slot, cancellationToken);
        if (existing is null)
        {
            db.Containers.Add(container);
        }
        else
        {
            db.Entry(existing).CurrentValues.SetValues(container);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SetContainerRunningAsync(string app, Slot slot, bool running, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await db.Containers.Where(c => c.App == app && c.Slot == slot)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Running, running).SetProperty(c => c.UpdatedAt, now), cancellationToken);
    }

    public async Task ForgetContainerAsync(string app, Slot slot, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Containers.Where(c => c.App == app && c.Slot == slot).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task UpsertAsync(string app, Action<AppState> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var state = await db.Apps.SingleOrDefaultAsync(a => a.Name == app, cancellationToken);
            if (state is null)
            {
                state = new AppState { Name = app };
                db.Apps.Add(state);
            }

            change(state);
            state.UpdatedAt = time.GetUtcNow().UtcDateTime;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another writer (a deployment's switch, a config edit) created the row first: update that one.
            }
        }
    }
}
