namespace Cutover.Web.Cli.Api;

/// <summary>No answer from the host at all: nothing listens at the address, or it did not answer in time.</summary>
public sealed class HostUnreachableException(Uri host, string reason, Exception? inner = null)
    : Exception($"Cannot reach the Cutover host at {host}: {reason}", inner)
{
    public Uri Host { get; } = host;
}
