using System.Text.Json;
using Cutover.Engine;
using Cutover.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cutover.Tests.Unit.Web;

/// <summary>A write SQLite refuses (the disk is full) is a 503 naming the database and what to do, not a bare 500.</summary>
public sealed class DatabaseProblemsTests
{
    [Fact]
    public async Task AFullDisk_UnderEfCoresSaveChanges_IsA503_NamingTheFileAndSayingToFreeSpace()
    {
        var full = new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("SQLite Error 13: 'database or disk is full'.", 13));

        var (handled, context, problem) = await HandleAsync(full);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("30", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("Database cannot be written", problem.GetProperty("title").GetString());
        Assert.Equal(
            $"The database {Path.GetFullPath("/var/lib/cutover/cutover.db")} (Cutover:Database) refused the write: SQLite Error 13: 'database or disk is full'. "
            + "Free space on its file system (nothing was changed; apps keep being served), then retry.",
            problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnotherFailure_IsLeftToTheDefaultHandler()
    {
        var (handled, _, _) = await HandleAsync(new InvalidOperationException("something else"));

        Assert.False(handled);
    }

    private static async Task<(bool Handled, HttpContext Context, JsonElement Problem)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new DatabaseProblems(
            services.GetRequiredService<IProblemDetailsService>(), Options.Create(new EngineOptions { Database = "/var/lib/cutover/cutover.db" }));

        var handled = await handler.TryHandleAsync(context, exception, CancellationToken.None);

        context.Response.Body.Position = 0;
        var problem = handled ? (await JsonDocument.ParseAsync(context.Response.Body)).RootElement : default;
        return (handled, context, problem);
    }
}
