namespace Cutover.Engine.Deployments;

/// <summary>What a deployment request, a cancel, a promote or an abort got: accepted, or refused with a reason an operator can act on.</summary>
/// <remarks>A refusal is an answer, not a fault: callers switch on it (the API maps it to a problem, the console to a message).</remarks>
public abstract record Admission
{
    private Admission()
    {
    }

    /// <summary>
    /// The deployment started (or, for a cancel, promote or abort, the one it applies to); <paramref name="Replayed"/> when an earlier
    /// request with the same idempotency key had started it.
    /// </summary>
    public sealed record Accepted(DeploymentView Deployment, bool Replayed = false) : Admission;

    /// <summary>Nothing started or changed; the refusal is already in the audit trail.</summary>
    public sealed record Refused(Refusal Refusal) : Admission;

    /// <summary>The accepted deployment, for the engine's own requests, to which a refusal other than the expected ones is a fault.</summary>
    /// <exception cref="DeploymentRefusedException">The request was refused.</exception>
    public DeploymentView AcceptedDeployment() => this switch
    {
        Accepted accepted => accepted.Deployment,
        Refused refused => throw new DeploymentRefusedException(refused.Refusal),
        _ => throw new InvalidOperationException("An admission is accepted or refused."),
    };
}

/// <summary>Why a request was refused: its kind (the API's status follows from it) and a sentence for the operator.</summary>
/// <param name="Deployment">The deployment the refusal points to: the one under way, or the first of a reused idempotency key.</param>
/// <param name="Rollback">Why a rollback's release cannot be gone back to.</param>
public sealed record Refusal(RefusalKind Kind, string Reason, long? Deployment = null, RollbackRefusal? Rollback = null)
{
    public static Refusal UnknownApp(string app) => new(RefusalKind.UnknownApp, $"There is no application named '{app}' in apps.yaml.");

    public static Refusal UnderWay(string app, long runningId) =>
        new(RefusalKind.UnderWay, $"Application '{app}' already has deployment {runningId} under way; wait for it to finish and ask again.", runningId);

    public static Refusal KeyReused(string key, DeploymentView first) =>
        new(RefusalKind.KeyReused, $"Idempotency key '{key}' was first used for deployment {first.Id} of {first.Image}; use a new key for a different image.", first.Id);

    /// <summary>A rollback target's refusal, or an invalid request (e.g. a bad image reference).</summary>
    public static Refusal Of(DeploymentRequestException refused) => refused is RollbackTargetException rollback
        ? new(RefusalKind.NoRollbackTarget, rollback.Message, Rollback: rollback.Refusal)
        : new(RefusalKind.Invalid, refused.Message);
}

/// <summary>The kinds of refusal, each with its own answer in the API.</summary>
public enum RefusalKind
{
    /// <summary>apps.yaml has no such application.</summary>
    UnknownApp,

    /// <summary>The app already has a deployment under way; one runs per app at a time.</summary>
    UnderWay,

    /// <summary>An idempotency key already names a deployment of a different image or kind.</summary>
    KeyReused,

    /// <summary>The request cannot be carried out as asked (e.g. a bad image reference).</summary>
    Invalid,

    /// <summary>A rollback has no release to go to, or the one named cannot be gone back to (see <see cref="Refusal.Rollback"/>).</summary>
    NoRollbackTarget,

    /// <summary>A cancel, promote or abort names no deployment.</summary>
    UnknownDeployment,

    /// <summary>A cancel comes too late: the deployment ended or switched traffic already.</summary>
    CannotCancel,

    /// <summary>A promote of a deployment that is not paused nor in a canary step (not healthy yet, switched, or ended).</summary>
    CannotPromote,

    /// <summary>An abort too late: the deployment ended, or its old slot is being stopped.</summary>
    CannotAbort,
}

/// <summary>An engine-made request was refused where no refusal was expected.</summary>
public sealed class DeploymentRefusedException(Refusal refusal) : Exception(refusal.Reason)
{
    public Refusal Refusal { get; } = refusal;
}
