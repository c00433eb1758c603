namespace Orchestrator.Bench.Harness;

/// <summary>Everything one run measured; the JSON report is this, serialized.</summary>
internal sealed class BenchResults
{
    public required BenchOptions Options { get; init; }

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    public double TotalSeconds { get; set; }

    public MachineInfo? Machine { get; set; }

    public Dictionary<string, string> Postgres { get; set; } = [];

    public List<Workload> Workloads { get; } = [];

    public QuartzResult? Quartz { get; set; }

    public InFlightResult? InFlight { get; set; }

    public Workload? this[string key] => Workloads.SingleOrDefault(workload => workload.Key == key);
}

internal sealed record MachineInfo(int Cores, long MemoryBytes, string OperatingSystem);

/// <summary>A workload or baseline and its measured rounds.</summary>
internal sealed record Workload(string Key, string Title)
{
    public List<Round> Rounds { get; } = [];

    public double PerSecond => Median.Of(Rounds.Select(round => round.Trips.PerSecond));

    public double P50 => Median.Of(Rounds.Select(round => round.Trips.Latency.P50));

    public double P95 => Median.Of(Rounds.Select(round => round.Trips.Latency.P95));

    public double P99 => Median.Of(Rounds.Select(round => round.Trips.Latency.P99));

    /// <summary>PostgreSQL's <c>xact_commit</c> of the orchestrator's database over all the rounds, per invocation.</summary>
    public double? CommitsPerInvocation { get; set; }

    public double? WriteTransactionsPerInvocation => Rounds[0].WriteTransactionsPerInvocation is null ? null : Median.Of(Rounds.Select(round => round.WriteTransactionsPerInvocation!.Value));

    public double WorstP99 => Rounds.Max(round => round.Trips.Latency.P99);

    public double? RequestsPerInvocation => Rounds[0].RequestsPerInvocation is null ? null : Median.Of(Rounds.Select(round => round.RequestsPerInvocation!.Value));

    /// <summary>CPU seconds of one role per 1,000 invocations (median of the rounds).</summary>
    public double CpuPerThousand(string role) => Median.Of(Rounds.Select(round => round.Usage.CpuSeconds.GetValueOrDefault(role) / round.Trips.Received * 1_000));

    public long PeakResidentBytes => Rounds.Max(round => round.Usage.PeakResidentBytes);
}

/// <summary>One measured round: its round trips, PostgreSQL write transactions and provider requests per invocation, and CPU per role.</summary>
internal sealed record Round(RoundTrips Trips, double? WriteTransactionsPerInvocation, double? RequestsPerInvocation, Usage Usage);

/// <summary>One round of baseline (c), as the Quartz.NET process reports it.</summary>
internal sealed record QuartzRound(int Jobs, double Seconds, double PerSecond, Latency Latency, double WriteTransactionsPerJob, double CpuSecondsPerThousand, long PeakResidentBytes);

/// <summary>Baseline (c)'s rounds, and its database's <c>xact_commit</c> over all of them per job.</summary>
internal sealed record QuartzResult(IReadOnlyList<QuartzRound> Rounds, double CommitsPerJob);

/// <summary>The memory figure: invocations accepted and not finished, and the orchestrator's resident memory with them in flight.</summary>
internal sealed record InFlightResult(int Published, double PublishSeconds, double AcceptSeconds, long InFlight, long ResidentBytes, long PeakResidentBytes);
