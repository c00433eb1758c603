using System.Text.Json;

namespace Orchestrator.Bench.Harness;

// Baseline (a)'s messages: the shapes (and so the sizes) of InvokeFunction and InvocationCompleted, under names of
// their own so they never reach the orchestrator's queue.

/// <summary>What the bare consumer receives: <c>InvokeFunction</c>'s shape.</summary>
public sealed record EchoRequest
{
    public Guid InvocationId { get; init; }

    public string? Function { get; init; }

    public string? Target { get; init; }

    public JsonElement? Data { get; init; }
}

/// <summary>What the bare consumer publishes back: <c>InvocationCompleted</c>'s shape.</summary>
public sealed record EchoReply
{
    public Guid InvocationId { get; init; }

    public string? Function { get; init; }

    public string? Target { get; init; }

    public string Status { get; init; } = "fulfilled";

    public JsonElement? Result { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public long? DurationMs { get; init; }
}
