using System.Text.Encodings.Web;
using System.Text.Json;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Runtime;
using Microsoft.AspNetCore.Http;

namespace LocalCloud.MinApp;

/// <summary>MinApp's response shapes (snake_case). The error body <c>{"error_msg": ...}</c> is this emulator's choice; the seed does not show one.</summary>
internal static class MinAppResults
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Ok(object value, int statusCode = StatusCodes.Status200OK) => Results.Json(value, Json, statusCode: statusCode);

    public static IResult Error(int statusCode, string message) => Results.Json(new { error_msg = message }, Json, statusCode: statusCode);

    public static IResult Unauthorized() => Error(StatusCodes.Status401Unauthorized, "Authentication failed: send a valid 'Authorization: Bearer <access_token>' header.");

    public static IResult FunctionNotFound(string name) => Error(StatusCodes.Status404NotFound, $"There is no cloud function named '{name}'.");

    public static IResult? Fault(FaultKind fault, HttpContext context) => fault switch
    {
        FaultKind.None => null,
        FaultKind.Drop => FaultInjector.Drop(context),
        FaultKind.ServerError => Error(StatusCodes.Status500InternalServerError, "Internal server error (injected by the local cloud)."),
        FaultKind.TooManyRequests => Error(StatusCodes.Status429TooManyRequests, "Too many requests (injected by the local cloud)."),
        _ => Error(StatusCodes.Status503ServiceUnavailable, "The service is busy (injected by the local cloud)."),
    };

    public static object Function(FunctionDefinition function) => new
    {
        audit_status = "approved",
        created_at = function.CreatedAt.ToUnixTimeSeconds(),
        created_by = "",
        function_code = function.Code,
        id = function.Id,
        name = function.Name,
        plan_circle = function.PlanCircle,
        remark = function.Remark,
        updated_at = function.UpdatedAt.ToUnixTimeSeconds(),
        updated_by = "",
    };

    /// <summary>A sync job's answer: <c>{code, data, error}</c>, code 0 on success and error <c>{}</c> then.</summary>
    public static object SyncJob(FunctionExecution execution) => new
    {
        code = execution.Succeeded ? 0 : 1,
        data = execution.Succeeded ? execution.Data : default(JsonElement?),
        error = execution.Error is { } error ? new { message = error.Message, type = error.Type } : (object)new { },
    };
}
