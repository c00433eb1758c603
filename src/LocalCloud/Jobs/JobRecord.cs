namespace LocalCloud.Jobs;

/// <summary>
/// One MinApp job as its job list shows it. Mutable: the runner moves it through its states while the
/// <see cref="JobStore"/> lock is held; readers take a <see cref="JobSnapshot"/>.
/// </summary>
public sealed class JobRecord
{
    public required long Id { get; init; }

    public required int FunctionId { get; init; }

    public required string Source { get; init; }

    /// <summary><c>time_sensitive</c> for sync jobs, <c>batch</c> for async ones.</summary>
    public required string ServiceType { get; init; }

    public required double CreatedAt { get; init; }

    /// <summary>The secret part of the log URL, as a pre-signed storage URL has.</summary>
    public required string LogKey { get; init; }

    public double? StartedAt { get; set; }

    public double? FinishedAt { get; set; }

    public long? MemUsage { get; set; }

    public JobStatus Status { get; set; } = JobStatus.Waiting;

    public string Log { get; set; } = "";

    public bool IsTerminal => Status > JobStatus.Executing;

    public JobSnapshot Snapshot() => new(Id, CreatedAt, StartedAt, FinishedAt, MemUsage, ServiceType, Source, Status.ToWireName(), LogKey);
}

/// <summary>A job record as it stood when read.</summary>
public sealed record JobSnapshot(
    long Id, double CreatedAt, double? StartedAt, double? FinishedAt, long? MemUsage, string ServiceType, string Source, string Status, string LogKey);
