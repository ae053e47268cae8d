namespace Cutover.Web.Cli.Api.Models;

/// <summary>The parts of an RFC 7807 problem details document the CLI shows.</summary>
/// <param name="RunningDeployment">On a 409: the deployment already under way.</param>
public sealed record Problem(string? Title, string? Detail, int? Status, string? RunningDeployment);
