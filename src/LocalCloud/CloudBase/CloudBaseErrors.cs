using System.Text.RegularExpressions;
using LocalCloud.Faults;
using LocalCloud.Jobs;
using LocalCloud.Runtime;
using Microsoft.AspNetCore.Http;

namespace LocalCloud.CloudBase;

/// <summary>
/// CloudBase's error codes and the HTTP statuses the gateway sends with them. The documentation settles 400
/// (FUNCTION_PARAM_INVALID), 401 (credentials) and 429 (limits); 404, 500 and 504 for the others are this emulator's reading.
/// </summary>
internal static partial class CloudBaseErrors
{
    public sealed record Failure(int StatusCode, string Code, string Message);

    public static Failure NotFound(string name) => new(StatusCodes.Status404NotFound, "FUNCTION_NOT_FOUND", $"function '{name}' not found");

    public static Failure ParamInvalid(string message) => new(StatusCodes.Status400BadRequest, "FUNCTION_PARAM_INVALID", message);

    public static Failure ConcurrencyLimit() => new(StatusCodes.Status429TooManyRequests, "EXCEED_CONCURRENT_REQUEST_LIMIT", "the function's concurrency limit is reached");

    public static Failure? Credentials(BearerCheck check) => check switch
    {
        BearerCheck.Missing => new(StatusCodes.Status401Unauthorized, "MISSING_CREDENTIALS", "send 'Authorization: Bearer <api key or access token>'"),
        BearerCheck.Invalid => new(StatusCodes.Status401Unauthorized, "INVALID_CREDENTIALS", "the API key or access token is not valid"),
        BearerCheck.Expired => new(StatusCodes.Status401Unauthorized, "ACCESS_TOKEN_EXPIRED", "the access token has expired"),
        _ => null,
    };

    public static Failure? Fault(FaultKind fault) => fault switch
    {
        FaultKind.ServerError => new(StatusCodes.Status500InternalServerError, "SYS_ERR", "internal error (injected by the local cloud)"),
        FaultKind.TooManyRequests => new(StatusCodes.Status429TooManyRequests, "EXCEED_RATELIMIT", "rate limit exceeded (injected by the local cloud)"),
        FaultKind.Busy => new(StatusCodes.Status429TooManyRequests, "EXCEED_CONCURRENT_REQUEST_LIMIT", "concurrency limit exceeded (injected by the local cloud)"),
        _ => null,
    };

    /// <summary>The failure a function's outcome is reported as; <see langword="null"/> when it succeeded.</summary>
    public static Failure? Of(FunctionExecution execution) => execution.Status switch
    {
        JobStatus.Fulfilled => null,
        JobStatus.DeadlineExceeded => new(StatusCodes.Status504GatewayTimeout, "FUNCTION_TIME_LIMIT_EXCEEDED", execution.Error!.Message),
        _ => new(StatusCodes.Status500InternalServerError, "FUNCTION_INVOCATION_FAILED", $"{execution.Error!.Type}: {execution.Error.Message}"),
    };

    /// <summary>The platform's rule for function names.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_-]{0,58}[a-zA-Z0-9]$")]
    private static partial Regex NamePattern();
}
