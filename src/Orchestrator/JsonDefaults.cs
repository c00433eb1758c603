using System.Text.Json;

namespace Orchestrator;

/// <summary>The JSON settings of the API and the store: camelCase, as on the wire.</summary>
internal static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
