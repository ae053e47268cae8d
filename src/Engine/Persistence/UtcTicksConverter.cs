using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cutover.Engine.Persistence;

/// <summary>Stores a UTC <see cref="DateTime"/> as its ticks and reads it back as UTC.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTime, long>(
    v => v.ToUniversalTime().Ticks,
    v => new DateTime(v, DateTimeKind.Utc));
