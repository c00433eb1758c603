using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Api;

/// <summary>An invocation as the API shows it.</summary>
public sealed record InvocationResponse(
    Guid InvocationId,
    string Function,
    string Target,
    InvocationMode Mode,
    InvocationStatus Status,
    JsonElement Data,
    JsonElement? Result,
    InvocationError? Error,
    int Attempts,
    int MaxAttempts,
    int TimeoutSeconds,
    string? ProviderJobId,
    string? IdempotencyKey,
    IReadOnlyDictionary<string, string>? Tags,
    Guid? BatchId,
    int? BatchIndex,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long? DurationMs)
{
    public static InvocationResponse From(Invocation invocation) => new(
        invocation.Id,
        invocation.Function,
        invocation.Target,
        invocation.Mode,
        invocation.Status,
        invocation.Data,
        invocation.Result,
        invocation.Error,
        invocation.Attempts,
        invocation.MaxAttempts,
        invocation.TimeoutSeconds,
        invocation.ProviderJobId,
        invocation.IdempotencyKey,
        invocation.Tags,
        invocation.BatchId,
        invocation.BatchIndex,
        invocation.CreatedAt,
        invocation.StartedAt,
        invocation.FinishedAt,
        invocation.DurationMs);
}

/// <summary>The answer to a new invocation that has not finished yet.</summary>
public sealed record InvocationAccepted(Guid InvocationId, InvocationStatus Status);
