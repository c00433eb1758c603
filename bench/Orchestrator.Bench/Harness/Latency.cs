namespace Orchestrator.Bench.Harness;

/// <summary>Percentiles of a set of latencies, in milliseconds.</summary>
internal sealed record Latency(double P50, double P95, double P99, double Max)
{
    public static Latency Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0
            ? new Latency(0, 0, 0, 0)
            : new Latency(At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted[^1]);
    }

    // Nearest rank: the smallest value at or above the fraction of the samples.
    private static double At(double[] sorted, double fraction) => sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}

/// <summary>Medians of repeated rounds: the figure the report quotes on a noisy machine.</summary>
internal static class Median
{
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
