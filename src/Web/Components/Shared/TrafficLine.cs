namespace Cutover.Web.Components.Shared;

/// <summary>One line of a <see cref="TrafficChart"/>: a name (a slot, or the app), its colour, a value per window (null: nothing to draw there).</summary>
public sealed record TrafficLine(string Name, string Color, IReadOnlyList<double?> Values);
