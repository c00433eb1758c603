using System.Text.Json;

namespace Orchestrator.Contracts;

/// <summary>
/// Asks the orchestrator to invoke one cloud function. Publish it (MassTransit envelope or plain JSON)
/// to the <c>Orchestrator.Contracts:InvokeFunction</c> exchange; the outcome arrives as <see cref="InvocationCompleted"/>.
/// </summary>
public sealed record InvokeFunction
{
    /// <summary>The invocation's id; the orchestrator generates one when it is absent.</summary>
    public Guid? InvocationId { get; init; }

    /// <summary>The function's name at the provider. Required.</summary>
    public string? Function { get; init; }

    /// <summary>A configured target's name; the default target when absent.</summary>
    public string? Target { get; init; }

    /// <summary>The function's input: a JSON object (<c>{}</c> when absent).</summary>
    public JsonElement? Data { get; init; }

    /// <summary>Asynchronous (submit and poll) or synchronous; asynchronous where the provider supports it when absent.</summary>
    public InvocationMode? Mode { get; init; }

    /// <summary>Requests with the same key yield one invocation: the second gets the first's id and outcome.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The invocation's overall deadline across all attempts, in seconds; the configured default when absent.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>How many provider calls at most, retries of transient failures included; the configured default when absent.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Free-form labels kept with the invocation and returned with it.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
