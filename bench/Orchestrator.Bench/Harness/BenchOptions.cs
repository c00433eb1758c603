using System.Globalization;

namespace Orchestrator.Bench.Harness;

/// <summary>The harness's command line: <c>[--smoke] [--invocations N] [--rounds N] [--concurrency N] [--in-flight N] [--only a,w1,...] [--out DIR]</c>.</summary>
internal sealed record BenchOptions
{
    public bool Smoke { get; init; }

    /// <summary>Invocations per round of workloads 1 and 2 and of the baselines.</summary>
    public int Invocations { get; init; } = 10_000;

    public int Rounds { get; init; } = 3;

    /// <summary>Messages handled at once by the orchestrator and by baseline (a)'s consumer; HTTP calls at once in baseline (b).</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>Invocations of the 2 s function per round of workload 3.</summary>
    public int SlowInvocations { get; init; } = 1_000;

    /// <summary>How long each round of workload 4 (steady load) lasts.</summary>
    public int SteadySeconds { get; init; } = 10;

    /// <summary>Asynchronous invocations held in flight for the memory figure.</summary>
    public int InFlight { get; init; } = 100_000;

    /// <summary>
    /// One-off jobs per round of baseline (c): the 10,000 calls over its 3 rounds. Quartz.NET runs them about 20 times
    /// slower than the orchestrator, so 10,000 a round would take the bench past its 10 minutes.
    /// </summary>
    public int QuartzJobs { get; init; } = 3_334;

    public string? Out { get; init; }

    /// <summary>The runs to make (a, b, c, w1, w4, w2, w3, inflight); all when empty. Workload 4 needs workload 1.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Wants(string run) => Only.Count == 0 || Only.Contains(run);

    public static BenchOptions Parse(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var options = smoke
            ? new BenchOptions { Smoke = true, Invocations = 300, Rounds = 1, SlowInvocations = 20, SteadySeconds = 2, InFlight = 2_000, QuartzJobs = 100 }
            : new BenchOptions();
        return options with
        {
            Invocations = Number(args, "--invocations") ?? options.Invocations,
            Rounds = Number(args, "--rounds") ?? options.Rounds,
            Concurrency = Number(args, "--concurrency") ?? options.Concurrency,
            SlowInvocations = Number(args, "--slow-invocations") ?? options.SlowInvocations,
            InFlight = Number(args, "--in-flight") ?? options.InFlight,
            QuartzJobs = Number(args, "--quartz-jobs") ?? options.QuartzJobs,
            Out = Text(args, "--out"),
            Only = (Text(args, "--only") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(),
        };
    }

    private static string? Text(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int? Number(string[] args, string name) =>
        Text(args, name) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"{name} must be a positive whole number, not '{text}'.")
            : null;
}
