using Cutover.Engine.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cutover.Web.Api;

/// <summary>The optional <c>?slot=blue|green</c> of the read endpoints.</summary>
internal static class SlotQuery
{
    public static ProblemHttpResult? Parse(string? value, out Slot? slot)
    {
        slot = null;
        if (value is null)
        {
            return null;
        }

        if (!SlotExtensions.TryParse(value, out var parsed))
        {
            return ApiProblems.BadRequest($"slot must be blue or green, not '{value}'.");
        }

        slot = parsed;
        return null;
    }
}
