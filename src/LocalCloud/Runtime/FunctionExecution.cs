using System.Text.Json;
using LocalCloud.Jobs;

namespace LocalCloud.Runtime;

/// <summary>What one run of a function came to.</summary>
/// <param name="Status">A terminal <see cref="JobStatus"/>: fulfilled, execution_failed, execution_rejected (the code would not load) or deadline_exceeded.</param>
/// <param name="Data">The return value (JSON null when none, or on failure).</param>
/// <param name="Error">Why it failed; <see langword="null"/> when fulfilled.</param>
/// <param name="Log">What the function wrote through <c>console</c>, one <c>&lt;time&gt; LOG &lt;text&gt;</c> line each.</param>
/// <param name="MemoryBytes">Resident memory of the worker when the function finished.</param>
/// <param name="DurationMs">Time spent in the function.</param>
public sealed record FunctionExecution(
    JobStatus Status,
    JsonElement Data,
    FunctionError? Error,
    string Log,
    long MemoryBytes,
    double DurationMs)
{
    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement;

    public bool Succeeded => Status == JobStatus.Fulfilled;

    public static FunctionExecution Failed(JobStatus status, string type, string message, double durationMs = 0) =>
        new(status, Null, new FunctionError(message, "", type), "", 0, durationMs);
}

/// <summary>An error as the platforms report it: message, stack and type (the JavaScript error's name).</summary>
public sealed record FunctionError(string Message, string Stack, string Type);
