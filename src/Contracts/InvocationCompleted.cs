using System.Text.Json;

namespace Orchestrator.Contracts;

/// <summary>
/// Published once an invocation reaches a terminal status, after that status is durable; also the response
/// to a MassTransit request client that sent <see cref="InvokeFunction"/>. Delivery is at least once.
/// </summary>
public sealed record InvocationCompleted
{
    /// <summary>The invocation's id.</summary>
    public required Guid InvocationId { get; init; }

    /// <summary>The idempotency key the invocation was requested with, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The function's name (empty when the request named none).</summary>
    public required string Function { get; init; }

    /// <summary>The target's name (as requested when it was not a configured one).</summary>
    public required string Target { get; init; }

    /// <summary>The batch the invocation belongs to, if any.</summary>
    public Guid? BatchId { get; init; }

    /// <summary>The invocation's position in its batch, if any.</summary>
    public int? BatchIndex { get; init; }

    /// <summary>The terminal status.</summary>
    public required InvocationStatus Status { get; init; }

    /// <summary>The function's return value, when it has one and the provider reports it.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why it did not succeed; <see langword="null"/> when <see cref="Status"/> is <see cref="InvocationStatus.Fulfilled"/>.</summary>
    public InvocationError? Error { get; init; }

    /// <summary>How many provider calls were made.</summary>
    public int Attempts { get; init; }

    /// <summary>The provider's job id, when it gives one.</summary>
    public string? ProviderJobId { get; init; }

    /// <summary>When the orchestrator accepted the invocation.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the first provider call started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the invocation reached its terminal status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>From start to finish, in milliseconds.</summary>
    public long? DurationMs { get; init; }
}
