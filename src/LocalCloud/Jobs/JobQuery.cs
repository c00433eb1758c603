namespace LocalCloud.Jobs;

/// <summary>The job list's filters and page. Null filters match everything.</summary>
public sealed record JobQuery(
    string? Source = null,
    JobStatus? Status = null,
    string? ServiceType = null,
    double? CreatedAtGte = null,
    double? CreatedAtLte = null,
    int Limit = 20,
    int Offset = 0)
{
    public bool Matches(JobRecord job) =>
        (Source is null || job.Source == Source)
        && (Status is null || job.Status == Status)
        && (ServiceType is null || job.ServiceType == ServiceType)
        && (CreatedAtGte is null || job.CreatedAt >= CreatedAtGte)
        && (CreatedAtLte is null || job.CreatedAt <= CreatedAtLte);
}
