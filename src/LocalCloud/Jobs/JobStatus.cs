namespace LocalCloud.Jobs;

/// <summary>MinApp's job states; the terminal ones are also what an execution ends in on every surface.</summary>
public enum JobStatus
{
    Waiting,
    Executing,
    Fulfilled,
    ScheduleFailed,
    ExecutionRejected,
    DeadlineExceeded,
    ExecutionFailed,
}

public static class JobStatusNames
{
    private static readonly Dictionary<string, JobStatus> ByName = Enum.GetValues<JobStatus>().ToDictionary(ToWireName, StringComparer.Ordinal);

    public static string ToWireName(this JobStatus status) => status switch
    {
        JobStatus.Waiting => "waiting",
        JobStatus.Executing => "executing",
        JobStatus.Fulfilled => "fulfilled",
        JobStatus.ScheduleFailed => "schedule_failed",
        JobStatus.ExecutionRejected => "execution_rejected",
        JobStatus.DeadlineExceeded => "deadline_exceeded",
        JobStatus.ExecutionFailed => "execution_failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParse(string? name, out JobStatus status) => ByName.TryGetValue(name ?? "", out status);

    public static IEnumerable<string> Names => ByName.Keys;
}
