namespace Cutover.Web.Components.Layout;

/// <summary>Ends a circuit whose user was removed from the settings or whose password hash changed.</summary>
public sealed class ConsoleSessionEndedException()
    : Exception("The console user of this circuit is no longer configured, or their password hash changed: the circuit ends and they must sign in again.");
