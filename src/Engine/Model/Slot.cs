namespace Cutover.Engine.Model;

/// <summary>One of an application's two container slots.</summary>
public enum Slot
{
    Blue,
    Green,
}

/// <summary>Small conveniences for <see cref="Slot"/>.</summary>
public static class SlotExtensions
{
    public static Slot Other(this Slot slot) => slot == Slot.Blue ? Slot.Green : Slot.Blue;

    /// <summary>The lower-case name used in container names, labels, the API and apps.yaml.</summary>
    public static string Name(this Slot slot) => slot == Slot.Blue ? "blue" : "green";

    public static bool TryParse(string? value, out Slot slot)
    {
        switch (value?.ToLowerInvariant())
        {
            case "blue":
                slot = Slot.Blue;
                return true;
            case "green":
                slot = Slot.Green;
                return true;
            default:
                slot = default;
                return false;
        }
    }
}
