using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Http;
using LocalCloud.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalCloud.CloudBase;

/// <summary>
/// CloudBase's HTTP API: <c>POST /v1/functions/{name}</c> answers the function's return value unwrapped, with
/// <c>X-Request-Id</c>; errors are <c>{code, message, requestId}</c>. Tokens come from <c>/auth/v1/token/clientCredential</c>.
/// </summary>
internal static class CloudBaseApi
{
    public const string Surface = "cloudbase";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void MapCloudBase(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/functions/{name}", InvokeAsync);
        endpoints.MapPost("/auth/v1/token/clientCredential", IssueTokenAsync);
    }

    private static async Task<IResult> InvokeAsync(
        string name, HttpContext context, CloudBaseAuth auth, ImmediateInvokers invokers, FunctionRegistry registry, FaultInjector faults)
    {
        var requestId = Guid.NewGuid().ToString("N");
        var request = context.Request;
        context.Response.Headers["X-Request-Id"] = requestId;
        if (CloudBaseErrors.Credentials(auth.Check(Secrets.Bearer(request.Headers.Authorization.ToString()))) is { } denied)
        {
            return Error(denied, requestId);
        }

        var fault = await faults.ApplyAsync(Surface, name, context.RequestAborted);
        if (fault == FaultKind.Drop)
        {
            return FaultInjector.Drop(context);
        }

        if (CloudBaseErrors.Fault(fault) is { } injected)
        {
            return Error(injected, requestId);
        }

        if (!CloudBaseErrors.IsValidName(name))
        {
            return Error(CloudBaseErrors.ParamInvalid($"function name '{name}' does not match ^[a-zA-Z][a-zA-Z0-9_-]{{0,58}}[a-zA-Z0-9]$"), requestId);
        }

        if (request.Headers["X-Qualifier"].FirstOrDefault() is { } qualifier && qualifier != "$LATEST")
        {
            return Error(new(StatusCodes.Status404NotFound, "FUNCTION_QUALIFIER_NOT_FOUND", $"version '{qualifier}' not found; the local cloud has only $LATEST"), requestId);
        }

        if (request.Query["webfn"] == "true" || request.Headers["X-Tcb-Webfn"] == "true")
        {
            return Error(CloudBaseErrors.ParamInvalid("HTTP functions (webfn) are not emulated by the local cloud"), requestId);
        }

        if (registry.Find(name) is not { } function)
        {
            return Error(CloudBaseErrors.NotFound(name), requestId);
        }

        var (body, error) = await JsonBody.ReadObjectAsync(request, emptyIsObject: true);
        if (body is null)
        {
            return Error(CloudBaseErrors.ParamInvalid(error!), requestId);
        }

        var execution = await invokers.CloudBase.TryInvokeAsync(function, body, CloudBaseContext(function, requestId, request.Host.Host));
        if (execution is null)
        {
            return Error(CloudBaseErrors.ConcurrencyLimit(), requestId);
        }

        return CloudBaseErrors.Of(execution) is { } failed
            ? Error(failed, requestId)
            : Results.Text(execution.Data.GetRawText(), "application/json; charset=utf-8", Encoding.UTF8);
    }

    private static async Task<IResult> IssueTokenAsync(HttpContext context, CloudBaseAuth auth)
    {
        var requestId = Guid.NewGuid().ToString("N");
        var header = context.Request.Headers.Authorization.ToString();
        string? secretId = null, secretKey = null;
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim())).Split(':', 2);
                (secretId, secretKey) = (pair[0], pair.ElementAtOrDefault(1));
            }
            catch (FormatException)
            {
                // Reported below as invalid credentials.
            }
        }

        if (!auth.IsCredential(secretId, secretKey))
        {
            return Error(new(StatusCodes.Status401Unauthorized, "INVALID_CREDENTIALS", "send 'Authorization: Basic base64(SecretId:SecretKey)' with a known pair"), requestId);
        }

        var (body, error) = await JsonBody.ReadObjectAsync(context.Request);
        if (body is null || !JsonBody.TryGetString(body, "grant_type", out var grantType) || grantType != "client_credentials")
        {
            return Error(new(StatusCodes.Status400BadRequest, "INVALID_PARAM", error ?? "grant_type must be client_credentials"), requestId);
        }

        return Results.Json(new { token_type = "Bearer", access_token = auth.IssueToken(), expires_in = auth.TokenLifetimeSeconds }, Json);
    }

    /// <summary>The second argument a CloudBase function gets.</summary>
    internal static JsonObject CloudBaseContext(FunctionDefinition function, string requestId, string environment) => new()
    {
        ["requestId"] = requestId,
        ["function_name"] = function.Name,
        ["function_version"] = "$LATEST",
        ["namespace"] = environment,
        ["memory_limit_in_mb"] = function.MemoryLimitInMB,
    };

    private static IResult Error(CloudBaseErrors.Failure failure, string requestId) =>
        Results.Json(new { code = failure.Code, message = failure.Message, requestId }, Json, statusCode: failure.StatusCode);
}
