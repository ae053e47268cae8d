using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cutover.Web.Cli.Api;

/// <summary>How the API writes JSON (camelCase names, snake_case enums), for reading it back.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"expected a {typeof(T).Name}, got null");

    public static T Read<T>(JsonElement element) =>
        element.Deserialize<T>(Options) ?? throw new JsonException($"expected a {typeof(T).Name}, got null");
}
