using System.Globalization;
using System.Text;
using System.Text.Json;
using Cutover.Engine.Configuration;
using Cutover.Engine.Deployments;
using Cutover.Engine.Persistence;
using Cutover.Engine.ReleaseCommands;
using Cutover.Web.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>Deploy, redeploy, roll back, cancel and read deployments.</summary>
public static class DeploymentsApi
{
    private const int MaxPageSize = 200;

    /// <summary>A reason is a sentence for the history and the audit trail, which keeps it for ever: 1 KB of UTF-8 at most.</summary>
    internal const int MaxReasonBytes = 1024;

    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/api/apps/{app}").WithTags("Deployments");
        var changes = apps.MapGroup(string.Empty).RequireRateLimiting(MutationRateLimit.PolicyName).AddEndpointFilter<RefusalAudit>();
        changes.MapPost("/deployments", DeployAsync)
            .WithSummary("Deploy an image: health-checked, switched, the old slot drained; rolled back when unhealthy.");
        changes.MapPost("/redeploy", RedeployAsync).WithSummary("Deploy the active image again in a fresh container.");
        changes.MapPost("/rollback", RollbackAsync)
            .WithSummary("Go back to the previous release, or the one named by \"to\" (an image or a deployment id), reusing its kept container.");
        apps.MapGet("/rollback", RollbackPlanAsync)
            .WithSummary("Where a rollback would go now (?to=IMAGE|DEPLOYMENT_ID), and the earlier releases it could name, without doing it.");
        apps.MapGet("/deployments", ListForAppAsync).WithSummary("The app's deployments, newest first.");

        var deployments = routes.MapGroup("/api/deployments").WithTags("Deployments");
        deployments.MapGet("/", ListAsync).WithSummary("Every deployment, newest first.");
        deployments.MapGet("/{id:long}", GetAsync);
        deployments.MapPost("/{id:long}/cancel", CancelAsync).RequireRateLimiting(MutationRateLimit.PolicyName).AddEndpointFilter<RefusalAudit>()
            .WithSummary("Stop a deployment that has not switched traffic yet.");
        deployments.MapPost("/{id:long}/promote", PromoteAsync).RequireRateLimiting(MutationRateLimit.PolicyName).AddEndpointFilter<RefusalAudit>()
            .WithSummary("End a paused wait or a canary step's hold: the next step; ?full=true goes straight to 100%.");
        deployments.MapPost("/{id:long}/abort", AbortAsync).RequireRateLimiting(MutationRateLimit.PolicyName).AddEndpointFilter<RefusalAudit>()
            .WithSummary("Stop a deployment at any point before it completes: all traffic back to the old slot at once, the new slot stopped (rolled_back).");
        deployments.MapGet("/{id:long}/events", DeploymentEvents.StreamAsync)
            .WithSummary("Server-sent events of one deployment until it ends.");
        deployments.MapGet("/{id:long}/release-output", ReleaseOutputAsync)
            .WithSummary("What the deployment's release command printed (its last 200 lines, secrets masked), live while it runs.");
        return routes;
    }

    private static async Task<Results<Ok<DeploymentView>, Accepted<DeploymentView>, ProblemHttpResult>> DeployAsync(string app, HttpContext context, DeploymentCoordinator coordinator, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<DeployBody>(context, required: true, cancellationToken);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        if (body.Value?.Image is not { Length: > 0 } image)
        {
            return ApiProblems.BadRequest("The body must be a JSON object with an \"image\", e.g. {\"image\": \"shop:1.4.2\"}.");
        }

        if (!ImageReference.IsValid(image, out var error))
        {
            return ApiProblems.BadRequest($"'{ImageReference.Shown(image)}' is not a valid image reference: {error}");
        }

        if (DeploymentMetadata.Validate(body.Value.Metadata, out var metadata) is { } metadataError)
        {
            return ApiProblems.BadRequest(metadataError);
        }

        return await RequestAsync(context, coordinator, app, image, DeploymentKind.Deploy, body.Value.Reason, metadata, cancellationToken);
    }

    private static Task<Results<Ok<DeploymentView>, Accepted<DeploymentView>, ProblemHttpResult>> RedeployAsync(string app, HttpContext context, DeploymentCoordinator coordinator, CancellationToken cancellationToken) =>
        RequestWithReasonAsync(app, context, coordinator, DeploymentKind.Redeploy, "redeploy requested", cancellationToken);

    private static async Task<Results<Ok<DeploymentView>, Accepted<DeploymentView>, ProblemHttpResult>> RollbackAsync(string app, HttpContext context, DeploymentCoordinator coordinator, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<RollbackBody>(context, required: false, cancellationToken);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        if (ReadRollbackTo(body.Value?.To, out var to) is { } badTo)
        {
            return ApiProblems.BadRequest(badTo);
        }

        return await RequestAsync(context, coordinator, app, null, DeploymentKind.Rollback, body.Value?.Reason ?? "rollback requested", null, cancellationToken, to);
    }

    /// <param name="to">All digits: a deployment id; otherwise an image reference (a query string has no numbers apart).</param>
    private static async Task<Results<Ok<RollbackPlan>, ProblemHttpResult>> RollbackPlanAsync(
        string app, AppsConfigMonitor config, RollbackTargets targets, CancellationToken cancellationToken, string? to = null)
    {
        if (!config.Current.Apps.ContainsKey(app))
        {
            return ApiProblems.UnknownApp(app);
        }

        var named = to is null ? null
            : to.Length > 0 && to.All(char.IsAsciiDigit) && long.TryParse(to, out var id) ? RollbackTo.ToDeployment(id)
            : RollbackTo.ToImage(to.Trim());
        try
        {
            return TypedResults.Ok(await targets.PlanAsync(app, named, cancellationToken));
        }
        catch (DeploymentRequestException ex)
        {
            return ApiProblems.From(Refusal.Of(ex));
        }
    }

    /// <summary>A rollback's <c>"to"</c>: a string names an image, a number a deployment; why it is neither, or null.</summary>
    private static string? ReadRollbackTo(JsonElement? json, out RollbackTo? to)
    {
        to = null;
        switch (json)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var id) && id > 0:
                to = RollbackTo.ToDeployment(id);
                return null;
            case { ValueKind: JsonValueKind.String } text when text.GetString()!.Trim() is { Length: > 0 } image:
                if (!ImageReference.IsValid(image, out var error))
                {
                    return $"\"to\": '{ImageReference.Shown(image)}' is not a valid image reference: {error}";
                }

                to = RollbackTo.ToImage(image);
                return null;
            default:
                return $"\"to\" must be an image reference (a string, e.g. \"shop:1.4.1\") or a deployment id (a whole number, e.g. 12), not {json.Value.GetRawText()}.";
        }
    }

    private static async Task<Results<Ok<DeploymentView>, Accepted<DeploymentView>, ProblemHttpResult>> RequestWithReasonAsync(
        string app, HttpContext context, DeploymentCoordinator coordinator, DeploymentKind kind, string defaultReason, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<ReasonBody>(context, required: false, cancellationToken);
        return body.Problem ?? await RequestAsync(context, coordinator, app, null, kind, body.Value?.Reason ?? defaultReason, null, cancellationToken);
    }

    private static async Task<Results<Ok<DeploymentView>, Accepted<DeploymentView>, ProblemHttpResult>> RequestAsync(
        HttpContext context,
        DeploymentCoordinator coordinator,
        string app,
        string? image,
        DeploymentKind kind,
        string? reason,
        string? metadata,
        CancellationToken cancellationToken,
        RollbackTo? to = null)
    {
        if (CheckReason(reason) is { } badReason)
        {
            return ApiProblems.BadRequest(badReason);
        }

        if (WaitBound.Parse(context.Request.Query) is { Problem: { } badWait })
        {
            return badWait;
        }

        if (IdempotencyKey.Read(context.Request, out var key) is { } badKey)
        {
            return ApiProblems.BadRequest(badKey);
        }

        var admission = await coordinator.RequestAsync(
            new DeploymentRequest(app, image, kind, ApiCaller.NameOf(context), reason, metadata, ApiCaller.AddressOf(context), key, to),
            cancellationToken);
        if (admission is not Admission.Accepted accepted)
        {
            RefusalAudit.MarkAudited(context);
            return ApiProblems.From(((Admission.Refused)admission).Refusal);
        }

        var view = accepted.Deployment;
        if (accepted.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }

        if (WaitBound.Parse(context.Request.Query).Bound is { } bound)
        {
            view = await coordinator.WaitAsync(view.Id, bound, cancellationToken) ?? view;
        }

        var url = $"/api/deployments/{view.Id}";
        context.Response.Headers.Location = url;
        return view.Status.IsTerminal() || accepted.Replayed
            ? TypedResults.Ok(view)
            : TypedResults.Accepted(url, view);
    }

    /// <summary>Why the reason is refused (it is too long), or null.</summary>
    internal static string? CheckReason(string? reason) =>
        reason is not null && Encoding.UTF8.GetByteCount(reason) is var bytes and > MaxReasonBytes
            ? string.Create(CultureInfo.InvariantCulture, $"\"reason\" is {bytes:N0} bytes long; it may be at most {MaxReasonBytes:N0} bytes (1 KB).")
            : null;

    private static async Task<Results<Ok<DeploymentView>, Accepted<DeploymentView>, ProblemHttpResult>> CancelAsync(long id, HttpContext context, DeploymentCoordinator coordinator, DeploymentStore store, CancellationToken cancellationToken)
    {
        if (await coordinator.CancelAsync(id, ApiCaller.NameOf(context), ApiCaller.AddressOf(context), cancellationToken) is Admission.Refused refused)
        {
            RefusalAudit.MarkAudited(context);
            return ApiProblems.From(refused.Refusal);
        }

        if (WaitBound.Parse(context.Request.Query) is { Problem: { } badWait })
        {
            return badWait;
        }

        var view = WaitBound.Parse(context.Request.Query).Bound is { } bound
            ? await coordinator.WaitAsync(id, bound, cancellationToken)
            : await store.GetAsync(id, cancellationToken);
        // No Location: the caller named the deployment already.
        return view!.Status.IsTerminal() ? TypedResults.Ok(view) : TypedResults.Accepted((string?)null, view);
    }

    private static async Task<IResult> PromoteAsync(long id, HttpContext context, DeploymentCoordinator coordinator, DeploymentStore store, CancellationToken cancellationToken)
    {
        var full = false;
        if (context.Request.Query.TryGetValue("full", out var fullText) && !bool.TryParse(fullText.ToString(), out full))
        {
            return ApiProblems.BadRequest($"\"full\" must be true or false; got '{fullText}'.");
        }

        if (await coordinator.PromoteAsync(id, full, ApiCaller.NameOf(context), ApiCaller.AddressOf(context), cancellationToken) is Admission.Refused refused)
        {
            RefusalAudit.MarkAudited(context);
            return ApiProblems.From(refused.Refusal);
        }

        return TypedResults.Json(await store.GetAsync(id, cancellationToken), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> AbortAsync(long id, HttpContext context, DeploymentCoordinator coordinator, DeploymentStore store, CancellationToken cancellationToken)
    {
        if (WaitBound.Parse(context.Request.Query) is { Problem: { } badWait })
        {
            return badWait;
        }

        if (await coordinator.AbortAsync(id, ApiCaller.NameOf(context), ApiCaller.AddressOf(context), cancellationToken) is Admission.Refused refused)
        {
            RefusalAudit.MarkAudited(context);
            return ApiProblems.From(refused.Refusal);
        }

        var view = WaitBound.Parse(context.Request.Query).Bound is { } bound
            ? await coordinator.WaitAsync(id, bound, cancellationToken)
            : await store.GetAsync(id, cancellationToken);
        return view!.Status.IsTerminal() ? TypedResults.Ok(view) : TypedResults.Json(view, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<Results<Ok<DeploymentView>, ProblemHttpResult>> GetAsync(long id, DeploymentStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound($"There is no deployment {id}.");

    private static async Task<Results<Ok<ReleaseOutputView>, ProblemHttpResult>> ReleaseOutputAsync(
        long id, DeploymentStore store, ReleaseOutputs outputs, CancellationToken cancellationToken)
    {
        if (await outputs.GetAsync(id, cancellationToken) is { } output)
        {
            return TypedResults.Ok(output);
        }

        return await store.GetAsync(id, cancellationToken) is null
            ? ApiProblems.NotFound($"There is no deployment {id}.")
            : ApiProblems.NotFound($"Deployment {id} ran no release command (the app has no release: in apps.yaml, or the deployment ended before it).");
    }

    private static async Task<Results<Ok<DeploymentPage>, ProblemHttpResult>> ListForAppAsync(
        string app,
        AppsConfigMonitor config,
        DeploymentStore store,
        CancellationToken cancellationToken,
        string? status = null,
        int skip = 0,
        int take = 50)
    {
        if (!config.Current.Apps.ContainsKey(app))
        {
            return ApiProblems.UnknownApp(app);
        }

        return await PageAsync(store, app, status, skip, take, cancellationToken);
    }

    private static Task<Results<Ok<DeploymentPage>, ProblemHttpResult>> ListAsync(
        DeploymentStore store,
        CancellationToken cancellationToken,
        string? app = null,
        string? status = null,
        int skip = 0,
        int take = 50) =>
        PageAsync(store, app, status, skip, take, cancellationToken);

    private static async Task<Results<Ok<DeploymentPage>, ProblemHttpResult>> PageAsync(
        DeploymentStore store, string? app, string? status, int skip, int take, CancellationToken cancellationToken)
    {
        DeploymentStatus? filter = null;
        if (status is not null)
        {
            var known = Enum.GetValues<DeploymentStatus>();
            filter = known.Cast<DeploymentStatus?>().FirstOrDefault(s => s!.Value.ToSnakeCase() == status);
            if (filter is null)
            {
                return ApiProblems.BadRequest($"Unknown status '{status}'; use one of: {string.Join(", ", known.Select(s => s.ToSnakeCase()))}.");
            }
        }

        return TypedResults.Ok(await store.ListAsync(app, filter, Math.Max(0, skip), Math.Clamp(take, 1, MaxPageSize), cancellationToken));
    }
}
