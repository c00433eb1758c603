using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LocalCloud.Functions;
using LocalCloud.Jobs;

namespace LocalCloud.Runtime;

/// <summary>
/// Runs a call at once or not at all, as CloudBase and WeChat do: they have no queue, so a call beyond the
/// concurrency limit is refused rather than kept waiting. The limit is per function, as the platforms count it.
/// </summary>
public sealed class ImmediateInvoker(FunctionRuntime runtime, int concurrencyLimit, int timeLimitMilliseconds, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<int, ConcurrencyGate> _gates = new();

    /// <summary>The function's outcome, or <see langword="null"/> when the concurrency limit is reached.</summary>
    /// <param name="context">The second argument's fields; <c>time_limit_in_ms</c> is added.</param>
    public Task<FunctionExecution?> TryInvokeAsync(FunctionDefinition function, JsonNode @event, JsonObject context)
    {
        context["time_limit_in_ms"] = timeLimitMilliseconds;
        return _gates.GetOrAdd(function.Id, _ => new ConcurrencyGate(concurrencyLimit)).TryRunNowAsync<FunctionExecution>(
            () => runtime.ExecuteAsync(function, @event, context, TimeSpan.FromMilliseconds(timeLimitMilliseconds), stopping));
    }
}
