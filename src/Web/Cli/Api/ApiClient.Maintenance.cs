using Cutover.Web.Cli.Api.Models;

namespace Cutover.Web.Cli.Api;

public sealed partial class ApiClient
{
    /// <param name="retryAfter">As the operator wrote it (<c>5m</c>, <c>300</c>); the host reads durations and seconds alike.</param>
    public Task<ApiResult<MaintenanceResult>> MaintenanceOnAsync(string app, string? message, string? retryAfter, CancellationToken cancellationToken) =>
        PostAsync<MaintenanceResult>($"api/apps/{Segment(app)}/maintenance", new MaintenanceRequest(message, retryAfter), null, cancellationToken);

    public async Task<ApiResult<MaintenanceResult>> MaintenanceOffAsync(string app, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, $"api/apps/{Segment(app)}/maintenance"), HttpCompletionOption.ResponseContentRead, RequestTimeout, cancellationToken);
        return await ReadAsync<MaintenanceResult>(response, cancellationToken);
    }
}
