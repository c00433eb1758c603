using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Providers;

/// <summary>What one provider call came to.</summary>
/// <param name="Status">The terminal status; for a transient failure, the status it ends in once the retry budget is spent.</param>
/// <param name="Result">The function's return value.</param>
/// <param name="Error">Why it did not succeed.</param>
/// <param name="IsTransient">Whether another attempt may succeed (5xx, 429, timeouts, unreachable endpoints).</param>
/// <param name="ProviderJobId">The provider's id for the job, when it gives one.</param>
public sealed record ProviderOutcome(
    InvocationStatus Status,
    JsonElement? Result = null,
    InvocationError? Error = null,
    bool IsTransient = false,
    string? ProviderJobId = null)
{
    public static ProviderOutcome Fulfilled(JsonElement? result, string? providerJobId = null) =>
        new(InvocationStatus.Fulfilled, result, ProviderJobId: providerJobId);

    public static ProviderOutcome Final(InvocationStatus status, InvocationError error) => new(status, Error: error);

    public static ProviderOutcome Transient(InvocationStatus statusWhenSpent, InvocationError error) =>
        new(statusWhenSpent, Error: error, IsTransient: true);
}
