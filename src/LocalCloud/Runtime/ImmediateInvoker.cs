using System.Text.Json.Nodes;
using LocalCloud.Functions;
using LocalCloud.Jobs;

namespace LocalCloud.Runtime;

/// <summary>
/// Runs a call at once or not at all, as CloudBase and WeChat do: they have no queue, so a call beyond the
/// concurrency limit is refused rather than kept waiting.
/// </summary>
public sealed class ImmediateInvoker(FunctionRuntime runtime, int concurrencyLimit, int timeLimitMilliseconds, CancellationToken stopping)
{
    private readonly ConcurrencyGate _gate = new(concurrencyLimit);

    /// <summary>The function's outcome, or <see langword="null"/> when the concurrency limit is reached.</summary>
    /// <param name="context">The second argument's fields; <c>time_limit_in_ms</c> is added.</param>
    public Task<FunctionExecution?> TryInvokeAsync(FunctionDefinition function, JsonNode @event, JsonObject context)
    {
        context["time_limit_in_ms"] = timeLimitMilliseconds;
        return _gate.TryRunNowAsync<FunctionExecution>(
            () => runtime.ExecuteAsync(function, @event, context, TimeSpan.FromMilliseconds(timeLimitMilliseconds), stopping));
    }
}
