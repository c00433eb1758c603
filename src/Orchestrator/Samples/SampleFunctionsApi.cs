using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Samples;

/// <summary>
/// A few HTTP functions the embedded mode's default <c>samples</c> target calls, so a first run has something
/// real to invoke with no servers installed: <c>echo</c>, <c>add</c>, <c>slow</c>, <c>fail</c> and <c>reject</c>.
/// </summary>
public static class SampleFunctionsApi
{
    public const string TargetName = "samples";
    public const string Route = "/samples/functions/{function}";

    public static IEndpointRouteBuilder MapSampleFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/samples/functions/{name}", Invoke).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> Invoke(string name, JsonObject? data, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        data ??= [];
        switch (name)
        {
            case "echo":
                return Results.Json(data);
            case "add":
                return TryNumber(data, "a", out var a) && TryNumber(data, "b", out var b)
                    ? Results.Json(a + b)
                    : Results.BadRequest(new { error = "add needs numbers 'a' and 'b'." });
            case "slow":
                var milliseconds = TryNumber(data, "ms", out var ms) ? Math.Clamp(ms, 0, 60_000) : 2_000;
                await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), timeProvider, cancellationToken);
                return Results.Json(new { sleptMs = milliseconds });
            case "fail":
                return Results.Json(new { error = "the sample function 'fail' always fails" }, statusCode: StatusCodes.Status500InternalServerError);
            case "reject":
                return Results.BadRequest(new { error = "the sample function 'reject' refuses every input" });
            default:
                return Results.NotFound(new { error = $"no sample function '{name}'; try echo, add, slow, fail or reject" });
        }
    }

    private static bool TryNumber(JsonObject data, string name, out double value)
    {
        value = 0;
        return data[name] is JsonValue node && node.GetValueKind() == JsonValueKind.Number && node.TryGetValue(out value);
    }
}
