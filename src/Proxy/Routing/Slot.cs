namespace Cutover.Proxy.Routing;

/// <summary>One of the two backend slots every application has.</summary>
public enum Slot
{
    Blue,
    Green,
}
