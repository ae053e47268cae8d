using Microsoft.Extensions.FileProviders;

namespace Cutover.Web.Composition;

/// <summary>
/// The console's static files (blazor.web.js, MudBlazor's CSS and JS) served from the binary itself when
/// scripts/publish.sh compiled them in, so that the single file needs no wwwroot/ beside it.
/// </summary>
/// <remarks>
/// A build serves them as usual: wwwroot/ and the endpoints manifest beside cutover.dll, or MudBlazor's package
/// folder in Development. The publish embeds a first publish's wwwroot/ and its endpoints manifest (compressed
/// variants, ETags and integrity included), so both ways answer with the same endpoints and headers.
/// </remarks>
internal static class EmbeddedStaticAssets
{
    /// <summary>The resource names' prefix; the csproj turns wwwroot/a/b.js into cutover.wwwroot.a.b.js, as EmbeddedFileProvider reads them.</summary>
    internal const string FilesPrefix = "cutover.wwwroot";

    internal const string ManifestResource = "cutover.staticwebassets.endpoints.json";

    public static void MapCutoverStaticAssets(this WebApplication app)
    {
        var assembly = typeof(EmbeddedStaticAssets).Assembly;
        using var manifest = assembly.GetManifestResourceStream(ManifestResource);
        if (manifest is null)
        {
            app.MapStaticAssets();
            return;
        }

        app.Environment.WebRootFileProvider = new EmbeddedFileProvider(assembly, FilesPrefix);
        // MapStaticAssets reads its manifest from a path only, and parses it at once: a temporary copy suffices.
        var path = Path.Combine(Path.GetTempPath(), $"cutover-{Environment.ProcessId}-{Guid.NewGuid():N}.staticwebassets.endpoints.json");
        try
        {
            using (var file = File.Create(path))
            {
                manifest.CopyTo(file);
            }

            app.MapStaticAssets(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
