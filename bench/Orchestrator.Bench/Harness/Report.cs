using System.Globalization;
using System.Text;

namespace Orchestrator.Bench.Harness;

/// <summary>The Markdown report: the targets, every workload against the baselines, where the CPU went, and the raw rounds.</summary>
internal static class Report
{
    private static readonly string[] Roles =
        ["orchestrator", "RabbitMQ", "PostgreSQL", "producer (harness)", "function endpoint (i)", "local cloud (ii)", "bare consumer (a)"];

    public static string Markdown(BenchResults results)
    {
        var options = results.Options;
        var pg = results.Postgres;
        var text = new StringBuilder();
        text.AppendLine(Invariant($"# Orchestrator benchmark ({results.StartedAt:yyyy-MM-dd HH:mm} UTC, {results.Machine?.Cores} cores, {results.Machine?.MemoryBytes / (1L << 30)} GiB)"));
        text.AppendLine();
        text.AppendLine(Invariant($"`bench/run.sh{(options.Smoke ? " --smoke" : "")}`: {options.Invocations:N0} invocations per round of workloads 1 and 2 and of the baselines, {options.SlowInvocations:N0} in workload 3, {options.Rounds} measured rounds after a warm-up round; every figure is the median of the rounds. Took {results.TotalSeconds:F0} s."));
        text.AppendLine();
        text.AppendLine(Invariant($"Everything runs on this one machine over loopback, each in a process of its own: RabbitMQ (durable queues, persistent messages, publisher confirms on both sides), PostgreSQL {pg.GetValueOrDefault("server_version")} (fsync={pg.GetValueOrDefault("fsync")}, synchronous_commit={pg.GetValueOrDefault("synchronous_commit")}, full_page_writes={pg.GetValueOrDefault("full_page_writes")}), the orchestrator in distributed mode handling {options.Concurrency} messages at once (log level Warning), endpoint (i) (a Kestrel function answering every POST with a JSON echo), the local cloud (ii) and the producer (this harness, MassTransit, up to 500 publishes awaiting confirms)."));
        if (options.Smoke)
        {
            text.AppendLine();
            text.AppendLine("**Smoke run**: small numbers to prove the harness works; its figures are not the product's and no target is judged.");
        }

        text.AppendLine();
        Targets(text, results);
        Workloads(text, results);
        Cpu(text, results);
        Rounds(text, results);
        return text.ToString();
    }

    private static void Targets(StringBuilder text, BenchResults results)
    {
        text.AppendLine("## Targets");
        text.AppendLine();
        text.AppendLine("| target | measured | met |");
        text.AppendLine("| --- | --- | --- |");
        if (results["w1"] is { } w1)
        {
            Target(text, "Workload 1: at least 2,000 invocations/s", Invariant($"{w1.PerSecond:N0}/s"), w1.PerSecond >= 2_000, results);
            if (results["a"] is { } a)
            {
                Target(text, "Workload 1: at least 50% of baseline (a)'s round trips/s", Invariant($"{w1.PerSecond / a.PerSecond:P0} ({w1.PerSecond:N0} vs {a.PerSecond:N0})"), w1.PerSecond >= a.PerSecond / 2, results);
            }

            Target(text, "At most 0.1 PostgreSQL commits per invocation (workload 1)", Invariant($"{w1.CommitsPerInvocation:F3} (write transactions: {w1.WriteTransactionsPerInvocation:F3})"), w1.CommitsPerInvocation <= 0.1, results);
        }

        if (results["w4"] is { } w4)
        {
            Target(text, "p99 under 50 ms at 50% load (workload 4)", Invariant($"{w4.P99:F1} ms (worst round {w4.WorstP99:F1} ms)"), w4.P99 < 50, results);
            Target(text, "At most 0.1 PostgreSQL commits per invocation at 50% load (workload 4)", Invariant($"{w4.CommitsPerInvocation:F3} (write transactions: {w4.WriteTransactionsPerInvocation:F3})"), w4.CommitsPerInvocation <= 0.1, results);
        }

        if (results["w3"] is { } w3)
        {
            Target(text, "Workload 3: at most 1.2 provider requests per async invocation", Invariant($"{w3.RequestsPerInvocation:F3}"), w3.RequestsPerInvocation <= 1.2, results);
        }

        if (results.InFlight is { } inFlight)
        {
            Target(text, Invariant($"Resident memory under 500 MB with {inFlight.Published:N0} async invocations in flight"),
                Invariant($"{inFlight.ResidentBytes / 1e6:F0} MB at rest, {inFlight.PeakResidentBytes / 1e6:F0} MB peak ({inFlight.InFlight:N0} in flight)"),
                inFlight.PeakResidentBytes < 500_000_000, results);
        }

        text.AppendLine();
    }

    private static void Target(StringBuilder text, string target, string measured, bool met, BenchResults results) =>
        text.AppendLine($"| {target} | {measured} | {(results.Options.Smoke ? "(smoke)" : met ? "yes" : "**no**")} |");

    private static void Workloads(StringBuilder text, BenchResults results)
    {
        var a = results["a"]?.PerSecond;
        text.AppendLine("## Workloads and baselines");
        text.AppendLine();
        text.AppendLine("Latency is from the publish (in workload 4: from when the message was due) to the reply received. Workloads 1 and 2 and baseline (a) publish everything at once, so their latency is mostly time spent queued.");
        text.AppendLine();
        text.AppendLine("PostgreSQL commits are `pg_stat_database.xact_commit` of the orchestrator's (or Quartz's) database over all the rounds, read after PostgreSQL has reported them (11 s after the last round; 1 s in a smoke run), read-only transactions included; write transactions are the transaction ids the whole server handed out during each round, exact.");
        text.AppendLine();
        text.AppendLine("| run | per second | vs (a) | p50 ms | p95 ms | p99 ms | PostgreSQL commits per invocation | write transactions per invocation | provider requests per invocation | orchestrator CPU s per 1,000 | orchestrator peak RSS |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var workload in results.Workloads)
        {
            var orchestrated = workload.Key.StartsWith('w');
            text.AppendLine(Invariant(
                $"| {workload.Title} | {workload.PerSecond:N0} | {Optional(workload.PerSecond / a, "F2")} | {workload.P50:F1} | {workload.P95:F1} | {workload.P99:F1} | {Optional(workload.CommitsPerInvocation, "F3")} | {Optional(workload.WriteTransactionsPerInvocation, "F3")} | {Optional(workload.RequestsPerInvocation, "F3")} | {(orchestrated ? workload.CpuPerThousand("orchestrator").ToString("F2", CultureInfo.InvariantCulture) : "")} | {(orchestrated ? $"{workload.PeakResidentBytes / 1e6:F0} MB" : "")} |"));
        }

        if (results.Quartz is { } result)
        {
            var quartz = result.Rounds;
            var perSecond = Median.Of(quartz.Select(round => round.PerSecond));
            text.AppendLine(Invariant(
                $"| Baseline (c): Quartz.NET 3.22.10, one-off jobs on its PostgreSQL AdoJobStore (clustered), each POSTing to endpoint (i); {quartz[0].Jobs:N0} a round | {perSecond:N0} | {Optional(perSecond / a, "F2")} | {Median.Of(quartz.Select(round => round.Latency.P50)):F1} | {Median.Of(quartz.Select(round => round.Latency.P95)):F1} | {Median.Of(quartz.Select(round => round.Latency.P99)):F1} | {result.CommitsPerJob:F3} | {Median.Of(quartz.Select(round => round.WriteTransactionsPerJob)):F3} | 1.000 | {Median.Of(quartz.Select(round => round.CpuSecondsPerThousand)):F2} (Quartz process) | {quartz.Max(round => round.PeakResidentBytes) / 1e6:F0} MB |"));
        }

        if (results.InFlight is { } inFlight)
        {
            text.AppendLine();
            text.AppendLine(Invariant(
                $"**In flight.** {inFlight.Published:N0} async invocations of a MinApp function that runs for an hour were published in {inFlight.PublishSeconds:F1} s and all stored by {inFlight.AcceptSeconds:F1} s; with {inFlight.InFlight:N0} in flight (the target's 100 running at the platform, the rest queued in PostgreSQL) the orchestrator's resident memory was {inFlight.ResidentBytes / 1e6:F0} MB, {inFlight.PeakResidentBytes / 1e6:F0} MB at its peak."));
        }

        text.AppendLine();
    }

    private static void Cpu(StringBuilder text, BenchResults results)
    {
        text.AppendLine("## Where the CPU went");
        text.AppendLine();
        text.AppendLine(Invariant($"CPU seconds per 1,000 invocations by process (median of the rounds), and how busy the machine's {results.Machine?.Cores} cores were."));
        text.AppendLine();
        text.AppendLine($"| run | {string.Join(" | ", Roles)} | machine busy |");
        text.AppendLine($"| --- |{string.Concat(Enumerable.Repeat(" --- |", Roles.Length))} --- |");
        foreach (var workload in results.Workloads)
        {
            var busy = Median.Of(workload.Rounds.Select(round => round.Usage.CpuSeconds.Values.Sum() / (round.Trips.Seconds * (results.Machine?.Cores ?? 1))));
            text.AppendLine($"| {workload.Key} | {string.Join(" | ", Roles.Select(role => Invariant($"{workload.CpuPerThousand(role):F2}")))} | {busy:P0} |");
        }

        text.AppendLine();
    }

    private static void Rounds(StringBuilder text, BenchResults results)
    {
        text.AppendLine("## Every round");
        text.AppendLine();
        foreach (var workload in results.Workloads)
        {
            text.AppendLine(Invariant($"- {workload.Key}: {string.Join("; ", workload.Rounds.Select(round => Invariant($"{round.Trips.PerSecond:N0}/s p99 {round.Trips.Latency.P99:F1} ms{(round.WriteTransactionsPerInvocation is { } c ? $" {c:F3} write transactions" : "")}{(round.RequestsPerInvocation is { } r ? $" {r:F3} requests" : "")}")))}"));
        }

        if (results.Quartz is { } quartz)
        {
            text.AppendLine(Invariant($"- c: {string.Join("; ", quartz.Rounds.Select(round => Invariant($"{round.PerSecond:N0}/s p99 {round.Latency.P99:F1} ms {round.WriteTransactionsPerJob:F3} write transactions")))}"));
        }
    }

    private static string Optional(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
