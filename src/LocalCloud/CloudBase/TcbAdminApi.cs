using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Http;
using LocalCloud.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalCloud.CloudBase;

/// <summary>
/// The route <c>@cloudbase/node-sdk</c> and <c>wx-server-sdk</c> call when given a <c>serviceUrl</c>:
/// <c>POST /admin?env=&amp;seqId=</c> with <c>{action: "functions.invokeFunction", function_name, request_data}</c>.
/// A well-formed TC3-HMAC-SHA256 authorization naming a configured SecretId is accepted without checking its signature
/// (so the SDKs work with the development keys); a bearer credential must be a known API key. The SDKs read any non-200 as a bare status, so failures are
/// 200 with <c>{code, message, requestId}</c>, as the platform answers them.
/// </summary>
internal static partial class TcbAdminApi
{
    public const string Surface = "tcb";

    public static void MapTcbAdmin(this IEndpointRouteBuilder endpoints) => endpoints.MapPost("/admin", InvokeAsync);

    private static async Task<IResult> InvokeAsync(HttpContext context, CloudBaseAuth auth, ImmediateInvokers invokers, FunctionRegistry registry, FaultInjector faults)
    {
        var requestId = Guid.NewGuid().ToString("N");
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        var signature = Tc3Authorization().Match(authorization);
        if (signature.Success ? !auth.IsSecretId(signature.Groups["secretId"].Value) : CloudBaseErrors.Credentials(auth.Check(Secrets.Bearer(authorization))) is not null)
        {
            return Failure("INVALID_CREDENTIALS", "send a TC3-HMAC-SHA256 authorization with a configured SecretId, or 'Authorization: Bearer <api key>'", requestId);
        }

        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (body is null)
        {
            return Failure("INVALID_PARAM", error!, requestId);
        }

        JsonBody.TryGetString(body, "action", out var action);
        if (action != "functions.invokeFunction")
        {
            return Failure("ACTION_FORBIDDEN", $"the local cloud serves only functions.invokeFunction, not '{action}'", requestId);
        }

        if (!JsonBody.TryGetString(body, "function_name", out var name) || string.IsNullOrEmpty(name))
        {
            return Failure("INVALID_PARAM", "function_name must be a non-empty string", requestId);
        }

        var fault = await faults.ApplyAsync(Surface, name, context.RequestAborted);
        if (fault == FaultKind.Drop)
        {
            return FaultInjector.Drop(context);
        }

        if (fault is FaultKind.ServerError or FaultKind.TooManyRequests)
        {
            // What a gateway in front of the service would send: an HTTP status, no body the SDK reads.
            return Results.StatusCode(fault == FaultKind.ServerError ? StatusCodes.Status502BadGateway : StatusCodes.Status429TooManyRequests);
        }

        if (CloudBaseErrors.Fault(fault) is { } busy)
        {
            return Failure(busy.Code, busy.Message, requestId);
        }

        if (registry.Find(name) is not { } function)
        {
            return Failure("FUNCTION_NOT_FOUND", $"function '{name}' not found", requestId);
        }

        if (!TryReadEvent(body, out var @event))
        {
            return Failure("FUNCTION_PARAM_INVALID", "request_data must be a string holding a JSON object (or empty)", requestId);
        }

        var execution = await invokers.CloudBase.TryInvokeAsync(function, @event, CloudBaseApi.CloudBaseContext(function, requestId, request.Query["env"].ToString()));
        if (execution is null)
        {
            var limit = CloudBaseErrors.ConcurrencyLimit();
            return Failure(limit.Code, limit.Message, requestId);
        }

        return CloudBaseErrors.Of(execution) is { } failed
            ? Failure(failed.Code, failed.Message, requestId)
            : Results.Json(new { data = new { response_data = execution.Data.GetRawText() }, requestId }, CloudBaseApi.Json);
    }

    private static bool TryReadEvent(JsonObject body, out JsonObject @event)
    {
        @event = [];
        if (!JsonBody.TryGetString(body, "request_data", out var requestData))
        {
            return false;
        }

        if (string.IsNullOrEmpty(requestData))
        {
            return true;
        }

        try
        {
            return JsonNode.Parse(requestData) is JsonObject parsed && (@event = parsed) is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IResult Failure(string code, string message, string requestId) =>
        Results.Json(new { code, message, requestId }, CloudBaseApi.Json);

    [GeneratedRegex(@"^TC3-HMAC-SHA256 Credential=(?<secretId>[^/\s,]+)/\d{4}-\d{2}-\d{2}/[a-z0-9]+/tc3_request, (SignedParams=[^,]*, )?SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$")]
    private static partial Regex Tc3Authorization();
}
