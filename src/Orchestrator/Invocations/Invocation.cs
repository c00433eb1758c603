using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Invocations;

/// <summary>
/// One invocation as the store keeps it: the request, where it stands, and who holds it. The row is the
/// source of truth; an invocation needs work until its outcome has been published.
/// </summary>
public sealed record Invocation
{
    public required Guid Id { get; init; }
    public required string Function { get; init; }
    public required string Target { get; init; }
    public required JsonElement Data { get; init; }
    public InvocationMode Mode { get; init; }
    public string? IdempotencyKey { get; init; }
    public required int TimeoutSeconds { get; init; }
    public required int MaxAttempts { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    public Guid? BatchId { get; init; }
    public int? BatchIndex { get; init; }

    public required InvocationStatus Status { get; init; }
    public JsonElement? Result { get; init; }
    public InvocationError? Error { get; init; }
    public int Attempts { get; init; }
    public string? ProviderJobId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Whether <see cref="InvocationCompleted"/> has been published; until then the invocation needs work.</summary>
    public bool OutcomePublished { get; init; }

    /// <summary>The instance working on it, while its lease lasts.</summary>
    public string? LeaseOwner { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>
    /// Whether the provider runs it as a job of its own that its function's poller follows (see <c>AsyncJobs/</c>); the
    /// poller's lease on the function then guards it, not <see cref="LeaseOwner"/>.
    /// </summary>
    public bool Polled { get; init; }

    /// <summary>When its job was last submitted by the poller; set before the request is sent.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>Its place among the function's submissions, which matches it with its job when the provider gives no id.</summary>
    public long? SubmitSeq { get; init; }

    /// <summary>From the first provider call to the terminal status, once both are known.</summary>
    public long? DurationMs => StartedAt is { } started && FinishedAt is { } finished
        ? (long)(finished - started).TotalMilliseconds
        : null;

    public InvocationCompleted ToCompleted() => new()
    {
        InvocationId = Id,
        IdempotencyKey = IdempotencyKey,
        Function = Function,
        Target = Target,
        BatchId = BatchId,
        BatchIndex = BatchIndex,
        Status = Status,
        Result = Result,
        Error = Error,
        Attempts = Attempts,
        ProviderJobId = ProviderJobId,
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        DurationMs = DurationMs,
    };
}
