using Cutover.Engine.Model;

namespace Cutover.Web.Cli.Api.Models;

/// <summary>A slot's container output.</summary>
public sealed record ContainerLogs(string App, Slot Slot, string? ContainerId, IReadOnlyList<string> Lines);
