namespace Orchestrator.Contracts;

/// <summary>Helpers for <see cref="InvocationStatus"/>.</summary>
public static class InvocationStatusExtensions
{
    /// <summary>Whether the status is final: the invocation will not change any more.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for every status after <see cref="InvocationStatus.Executing"/>.</returns>
    public static bool IsTerminal(this InvocationStatus status) => status > InvocationStatus.Executing;

    /// <summary>The status as it travels on the wire, e.g. <c>execution_failed</c>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The snake_case name.</returns>
    public static string ToWireName(this InvocationStatus status) => status switch
    {
        InvocationStatus.Queued => "queued",
        InvocationStatus.Waiting => "waiting",
        InvocationStatus.Executing => "executing",
        InvocationStatus.Fulfilled => "fulfilled",
        InvocationStatus.ExecutionFailed => "execution_failed",
        InvocationStatus.DeadlineExceeded => "deadline_exceeded",
        InvocationStatus.ExecutionRejected => "execution_rejected",
        InvocationStatus.ScheduleFailed => "schedule_failed",
        InvocationStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown invocation status."),
    };

    /// <summary>Parses a wire name such as <c>execution_failed</c>.</summary>
    /// <param name="value">The snake_case name.</param>
    /// <param name="status">The status, when the name is known.</param>
    /// <returns>Whether the name is a known status.</returns>
    public static bool TryParseWireName(string? value, out InvocationStatus status)
    {
        foreach (var candidate in Enum.GetValues<InvocationStatus>())
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
