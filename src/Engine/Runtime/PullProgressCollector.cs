using Docker.DotNet.Models;

namespace Cutover.Engine.Runtime;

/// <summary>
/// Receives the engine's pull stream message by message, forwards progress and keeps every error it reports.
/// </summary>
/// <remarks>
/// The engine answers a failed pull with HTTP 200 as soon as it has written anything, and reports the failure
/// only inside the JSON stream, so the caller must check <see cref="Errors"/> once the stream ends.
/// This deliberately implements <see cref="IProgress{T}"/> synchronously instead of using
/// <see cref="Progress{T}"/>, which posts to the thread pool: an error posted that way could arrive after the pull
/// has already been reported as a success.
/// </remarks>
internal sealed class PullProgressCollector(IProgress<PullProgress>? progress) : IProgress<JSONMessage>
{
    private readonly List<string> _errors = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    public void Report(JSONMessage value)
    {
        if (value.Error is { } error && (!string.IsNullOrWhiteSpace(error.Message) || error.Code is not null))
        {
            lock (_gate)
            {
                _errors.Add(string.IsNullOrWhiteSpace(error.Message) ? $"error code {error.Code}" : error.Message.Trim());
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(value.Status))
        {
            return;
        }

        progress?.Report(new PullProgress(
            string.IsNullOrWhiteSpace(value.ID) ? null : value.ID,
            value.Status,
            value.Progress?.Current,
            value.Progress?.Total));
    }
}
