using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LocalCloud.Http;

/// <summary>Reads a request body as a JSON object, naming what is wrong when it is not one.</summary>
internal static class JsonBody
{
    public const string EmptyBody = "The request body is empty; send a JSON object ({} when there is nothing to say).";

    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpRequest request, bool emptyIsObject = false)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return emptyIsObject ? ([], null) : (null, EmptyBody);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (JsonException exception)
        {
            return (null, $"The request body is not valid JSON: {exception.Message}");
        }

        return node is JsonObject body ? (body, null) : (null, "The request body must be a JSON object.");
    }

    /// <summary>A string member: absent gives null; any other JSON kind is an error.</summary>
    public static bool TryGetString(JsonObject body, string name, out string? value)
    {
        value = null;
        var node = body[name];
        if (node is null)
        {
            return true;
        }

        if (node is JsonValue json && json.GetValueKind() == JsonValueKind.String)
        {
            value = json.GetValue<string>();
            return true;
        }

        return false;
    }
}
