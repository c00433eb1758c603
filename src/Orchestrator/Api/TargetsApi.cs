using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orchestrator.AsyncJobs;
using Orchestrator.Providers;
using Polly.CircuitBreaker;

namespace Orchestrator.Api;

/// <summary><c>GET /api/v1/targets</c>: the configured targets and their health. Never their settings, which may hold credentials.</summary>
public static class TargetsApi
{
    public static IEndpointRouteBuilder MapTargetsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/targets", ListTargets).WithTags("Targets");
        return endpoints;
    }

    public static Ok<TargetList> ListTargets(TargetRegistry targets, JobPollers pollers)
    {
        var polling = pollers.Polling.ToLookup(key => key.Target, key => key.Function);
        return TypedResults.Ok(new TargetList(
            [.. targets.All.OrderBy(target => target.Name, StringComparer.Ordinal).Select(target => new TargetResponse(
                target.Name,
                target.Options.Provider,
                target.Name == targets.DefaultTarget,
                CircuitName(target.Circuit),
                target.Options.MaxConcurrency,
                target.Options.RequestsPerSecond,
                target.Health.Requests,
                target.Health.Calls,
                target.Health.Failures,
                target.Health.Last is { } last ? new TargetFailure(last.Error.Type, last.Error.Message, last.Error.Code, last.At) : null,
                [.. polling[target.Name].Order(StringComparer.Ordinal)]))]));
    }

    private static string CircuitName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "isolated",
    };
}

/// <summary>The answer of <c>GET /api/v1/targets</c>.</summary>
public sealed record TargetList(IReadOnlyList<TargetResponse> Objects);

/// <summary>One target's health since this instance started.</summary>
/// <param name="Name">The target's name.</param>
/// <param name="Provider">Its provider.</param>
/// <param name="IsDefault">Whether requests without a target go to it.</param>
/// <param name="Circuit"><c>closed</c>, <c>open</c> (calls refused for a while), <c>half_open</c> (one call tests it) or <c>isolated</c>.</param>
/// <param name="MaxConcurrency">Calls and jobs in flight at once, at most.</param>
/// <param name="RequestsPerSecond">The request rate limit; 0 for none.</param>
/// <param name="Requests">HTTP requests sent to it, token requests and polls included.</param>
/// <param name="Calls">Calls it answered (successes and final failures).</param>
/// <param name="Failures">Calls that failed transiently.</param>
/// <param name="LastFailure">The latest transient failure.</param>
/// <param name="Polling">The functions whose jobs this instance polls on it now.</param>
public sealed record TargetResponse(
    string Name,
    string Provider,
    bool IsDefault,
    string Circuit,
    int MaxConcurrency,
    double RequestsPerSecond,
    long Requests,
    long Calls,
    long Failures,
    TargetFailure? LastFailure,
    IReadOnlyList<string> Polling);

/// <summary>A transient failure: its kind, message (never credentials), code and time.</summary>
public sealed record TargetFailure(string Type, string Message, string? Code, DateTimeOffset At);
