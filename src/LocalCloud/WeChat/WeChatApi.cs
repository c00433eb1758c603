using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Http;
using LocalCloud.Jobs;
using LocalCloud.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalCloud.WeChat;

/// <summary>
/// WeChat cloud's server API: tokens from <c>/cgi-bin/token</c> or <c>/cgi-bin/stable_token</c>, and
/// <c>POST /tcb/invokecloudfunction</c> answering <c>{errcode, errmsg, resp_data}</c> with <c>resp_data</c> the return
/// value as a JSON string. Everything is HTTP 200; the errcode says what happened.
/// </summary>
internal static class WeChatApi
{
    public const string Surface = "wechat";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void MapWeChat(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/cgi-bin/token", (HttpRequest request, WeChatTokens tokens) =>
        {
            var query = request.Query;
            if (query["grant_type"] != "client_credential")
            {
                return Error(40002, "invalid grant_type");
            }

            if (!tokens.IsApp(query["appid"]))
            {
                return Error(40013, "invalid appid");
            }

            if (!tokens.IsApp(query["appid"], query["secret"]))
            {
                return Error(40001, "invalid credential, access_token is invalid or not latest, or appsecret is wrong");
            }

            var (accessToken, expiresIn) = tokens.Issue(query["appid"]!);
            return Results.Json(new { access_token = accessToken, expires_in = expiresIn }, Json);
        });
        endpoints.MapPost("/cgi-bin/stable_token", StableTokenAsync);
        endpoints.MapPost("/tcb/invokecloudfunction", InvokeAsync);
        endpoints.MapMethods("/tcb/invokecloudfunction", ["GET", "PUT", "DELETE", "PATCH"], () => Error(43002, "require POST method"));
    }

    private static async Task<IResult> StableTokenAsync(HttpRequest request, WeChatTokens tokens)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (body is null)
        {
            return Error(47001, $"data format error: {error}");
        }

        JsonBody.TryGetString(body, "grant_type", out var grantType);
        JsonBody.TryGetString(body, "appid", out var appId);
        JsonBody.TryGetString(body, "secret", out var secret);
        if (grantType != "client_credential")
        {
            return Error(40002, "invalid grant_type");
        }

        if (!tokens.IsApp(appId))
        {
            return Error(40013, "invalid appid");
        }

        if (!tokens.IsApp(appId, secret))
        {
            return Error(40001, "invalid credential, appsecret is wrong");
        }

        var (accessToken, expiresIn) = tokens.Stable(appId!, body["force_refresh"]?.GetValueKind() == JsonValueKind.True);
        return Results.Json(new { access_token = accessToken, expires_in = expiresIn }, Json);
    }

    private static async Task<IResult> InvokeAsync(
        HttpContext context, WeChatTokens tokens, FunctionRegistry registry, FaultInjector faults, ImmediateInvokers invokers)
    {
        var query = context.Request.Query;
        switch (tokens.Check(query["access_token"]))
        {
            case TokenCheck.Missing:
                return Error(41001, "access_token missing");
            case TokenCheck.Invalid:
                return Error(40001, "invalid credential, access_token is invalid or not latest");
            case TokenCheck.Expired:
                return Error(42001, "access_token expired");
        }

        string? environment = query["env"], name = query["name"];
        if (string.IsNullOrEmpty(environment) || string.IsNullOrEmpty(name))
        {
            return Error(40101, "missing parameter: env and name are required");
        }

        var fault = await faults.ApplyAsync(Surface, name, context.RequestAborted);
        switch (fault)
        {
            case FaultKind.Drop:
                return FaultInjector.Drop(context);
            case FaultKind.ServerError:
                return Results.StatusCode(StatusCodes.Status502BadGateway);
            case FaultKind.TooManyRequests:
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            case FaultKind.Busy:
                return Error(-1, "system error (injected by the local cloud)");
        }

        var (body, error) = await JsonBody.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return error == JsonBody.EmptyBody
                ? Error(44002, "empty post data")
                : Error(47001, $"data format error: {error}");
        }

        if (registry.Find(name) is not { } function)
        {
            return Error(-501000, "FunctionName parameter could not be found.");
        }

        var execution = await invokers.WeChat.TryInvokeAsync(
            function, body, new JsonObject { ["function_name"] = function.Name, ["namespace"] = environment });
        return execution switch
        {
            null => Error(-501004, "concurrency quota exceeded"),
            { Status: JobStatus.Fulfilled } => Results.Json(new { errcode = 0, errmsg = "ok", resp_data = execution.Data.GetRawText() }, Json),
            { Status: JobStatus.DeadlineExceeded } => Error(-604102, $"call timed out: {execution.Error!.Message}"),
            _ => Error(-504002, $"function execution failed: {execution.Error!.Type}: {execution.Error.Message}"),
        };
    }

    private static IResult Error(int errcode, string errmsg) => Results.Json(new { errcode, errmsg }, Json);
}
