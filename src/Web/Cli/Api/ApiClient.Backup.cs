using System.Globalization;
using Cutover.Web.Api;

namespace Cutover.Web.Cli.Api;

public sealed partial class ApiClient
{
    /// <summary>How long the host may take to copy and check the database before it starts sending it.</summary>
    public static readonly TimeSpan BackupTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Asks the host for a backup and streams it into the stream <paramref name="open"/> gives once the size is known.</summary>
    /// <param name="open">Gets the size the host announced (null if none), and refuses by throwing, or gives where to write.</param>
    public async Task<BackupDownload> BackupAsync(Func<long?, Stream> open, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/backup"), HttpCompletionOption.ResponseHeadersRead, BackupTimeout, cancellationToken);
        var announced = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        long bytes;
        await using (var destination = open(announced))
        {
            await body.CopyToAsync(destination, 1024 * 1024, cancellationToken);
            bytes = destination.Length;
            await destination.FlushAsync(cancellationToken);
            if (destination is FileStream file)
            {
                // Durable before it is renamed into place: a backup that vanishes with a power cut is no backup.
                file.Flush(flushToDisk: true);
            }
        }

        if (announced is { } length && length != bytes)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"the host announced {length} bytes but sent {bytes}: the download was cut off"));
        }

        return new BackupDownload(bytes, Count(response, BackupApi.DeploymentsHeader), Count(response, BackupApi.AuditEntriesHeader));
    }

    private static long? Count(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
}

/// <summary>A backup as received: its size, and what the host said it holds.</summary>
public sealed record BackupDownload(long Bytes, long? Deployments, long? AuditEntries);
