using System.Runtime.CompilerServices;
using Cutover.Engine.Model;
using Cutover.Engine.Persistence;
using Cutover.Engine.Secrets;

namespace Cutover.Engine.Runtime;

/// <summary>A slot container's output, secrets masked: the one reader of it for the API and the console.</summary>
public sealed class ContainerOutput(AppStateStore state, IContainerRuntime runtime, SecretRedactor redactor)
{
    /// <summary>The container of <paramref name="slot"/>, or of the slot that serves when none is named; or why there is none.</summary>
    public async Task<OutputSource> LocateAsync(string app, Slot? slot, CancellationToken cancellationToken)
    {
        var chosen = slot ?? (await state.GetAsync(app, cancellationToken))?.ActiveSlot;
        if (chosen is not { } s)
        {
            return new OutputSource.NoActiveSlot(app);
        }

        return await state.GetContainerAsync(app, s, cancellationToken) is { } container
            ? new OutputSource.Container(app, s, container.ContainerId)
            : new OutputSource.NoContainer(app, s);
    }

    /// <summary>The container's last <paramref name="tail"/> lines.</summary>
    /// <exception cref="ContainerRuntimeException">Docker cannot give its output.</exception>
    public async Task<IReadOnlyList<string>> TailAsync(OutputSource.Container source, int tail, CancellationToken cancellationToken)
    {
        var lines = await runtime.GetLogsAsync(source.ContainerId, tail, cancellationToken);
        return lines.Select(redactor.Redact).ToArray();
    }

    /// <summary>The container's last <paramref name="tail"/> lines, then each new one, until it stops or the caller cancels.</summary>
    /// <exception cref="ContainerRuntimeException">Docker cannot give its output.</exception>
    public async IAsyncEnumerable<string> FollowAsync(OutputSource.Container source, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var line in runtime.FollowLogsAsync(source.ContainerId, tail, cancellationToken))
        {
            yield return redactor.Redact(line);
        }
    }
}

/// <summary>Where a slot's output comes from: its container, or the reason there is none.</summary>
public abstract record OutputSource
{
    private OutputSource()
    {
    }

    /// <summary>The slot's container.</summary>
    public sealed record Container(string App, Slot Slot, string ContainerId) : OutputSource;

    /// <summary>No slot was named and none serves yet.</summary>
    public sealed record NoActiveSlot(string App) : OutputSource;

    /// <summary>The slot has no container.</summary>
    public sealed record NoContainer(string App, Slot Slot) : OutputSource
    {
        public override string ToString() => $"{App} has no {Slot.Name()} container.";
    }
}
