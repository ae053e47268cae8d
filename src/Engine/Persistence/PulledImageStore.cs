using Cutover.Engine.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cutover.Engine.Persistence;

/// <summary>Which images Cutover pulled for each app, and when: what image retention may remove.</summary>
public sealed class PulledImageStore(IDbContextFactory<CutoverDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Records (or refreshes) a pull Cutover made.</summary>
    public async Task RecordAsync(string app, string image, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.PulledImages.SingleOrDefaultAsync(p => p.App == app && p.Image == image, cancellationToken);
        if (existing is null)
        {
            db.PulledImages.Add(new PulledImage { App = app, Image = image, PulledAt = now });
        }
        else
        {
            existing.PulledAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The app's pulled images, most recently pulled first.</summary>
    public async Task<IReadOnlyList<PulledImage>> ListAsync(string app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pulled = await db.PulledImages.AsNoTracking().Where(p => p.App == app).ToListAsync(cancellationToken);
        // Ordered here: SQLite orders the stored ticks fine, but a tie needs a stable second key.
        return pulled.OrderByDescending(p => p.PulledAt).ThenBy(p => p.Image, StringComparer.Ordinal).ToList();
    }

    /// <summary>The images other apps than <paramref name="app"/> pulled too.</summary>
    public async Task<IReadOnlyList<string>> PulledByOthersAsync(string app, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PulledImages.AsNoTracking().Where(p => p.App != app).Select(p => p.Image).Distinct().ToListAsync(cancellationToken);
    }

    public async Task ForgetAsync(string app, string image, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.PulledImages.Where(p => p.App == app && p.Image == image).ExecuteDeleteAsync(cancellationToken);
    }
}
