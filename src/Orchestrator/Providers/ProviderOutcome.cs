using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Providers;

/// <summary>What one provider call came to.</summary>
/// <param name="Status">
/// The terminal status; for a transient failure, the status it ends in once the retry budget is spent; for a job the
/// provider accepted and runs on its own, <see cref="InvocationStatus.Waiting"/> or <see cref="InvocationStatus.Executing"/>.
/// </param>
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
    /// <summary>
    /// A transient failure the provider answered by refusing the request (429, 503): it did nothing with it. Other transient
    /// failures (a 500, a timeout, a lost connection) leave open whether it did.
    /// </summary>
    public bool Refused { get; init; }

    /// <summary>Whether the provider took the job and runs it on its own: it is polled until it ends.</summary>
    public bool IsAccepted => !Status.IsTerminal();

    public static ProviderOutcome Fulfilled(JsonElement? result, string? providerJobId = null) =>
        new(InvocationStatus.Fulfilled, result, ProviderJobId: providerJobId);

    public static ProviderOutcome Final(InvocationStatus status, InvocationError error) => new(status, Error: error);

    public static ProviderOutcome Transient(InvocationStatus statusWhenSpent, InvocationError error) =>
        new(statusWhenSpent, Error: error, IsTransient: true);

    /// <summary>The provider accepted the job; <paramref name="providerJobId"/> finds it again, when there is one.</summary>
    public static ProviderOutcome Accepted(string? providerJobId, InvocationStatus status = InvocationStatus.Waiting) =>
        new(status, ProviderJobId: providerJobId);
}
