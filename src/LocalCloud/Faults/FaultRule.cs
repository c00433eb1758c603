using System.ComponentModel.DataAnnotations;

namespace LocalCloud.Faults;

/// <summary>
/// Faults injected into the calls of one surface and function. The first rule that matches a call applies.
/// Rates are shares of calls, from 0 to 1; they are tried in order (drop, server error, 429, busy) on one roll.
/// </summary>
public sealed class FaultRule
{
    /// <summary><c>minapp</c>, <c>cloudbase</c>, <c>tcb</c> (the server SDKs' <c>/admin</c>), <c>wechat</c>, or <c>*</c>.</summary>
    /// <value>The default value is <c>*</c>.</value>
    public string Surface { get; set; } = "*";

    /// <summary>A function name, or <c>*</c>.</summary>
    /// <value>The default value is <c>*</c>.</value>
    public string Function { get; set; } = "*";

    /// <summary>Added to every matching call before it is handled.</summary>
    [Range(0, 600_000)]
    public int LatencyMilliseconds { get; set; }

    /// <summary>Share of calls answered with a 5xx.</summary>
    [Range(0.0, 1.0)]
    public double ServerErrorRate { get; set; }

    /// <summary>Share of calls answered with HTTP 429.</summary>
    [Range(0.0, 1.0)]
    public double TooManyRequestsRate { get; set; }

    /// <summary>Share of calls answered with the platform's busy signal (CloudBase EXCEED_CONCURRENT_REQUEST_LIMIT, WeChat errcode -1, MinApp 503).</summary>
    [Range(0.0, 1.0)]
    public double BusyRate { get; set; }

    /// <summary>Share of calls whose connection is dropped without an answer.</summary>
    [Range(0.0, 1.0)]
    public double DropRate { get; set; }

    public bool Matches(string surface, string? function) =>
        (Surface == "*" || string.Equals(Surface, surface, StringComparison.OrdinalIgnoreCase))
        && (Function == "*" || Function == function);

    /// <summary>Why the rule is invalid, or <see langword="null"/>.</summary>
    public string? Validate()
    {
        string[] surfaces = ["*", "minapp", "cloudbase", "tcb", "wechat"];
        if (!surfaces.Contains(Surface, StringComparer.OrdinalIgnoreCase))
        {
            return $"Surface '{Surface}' is not one of {string.Join(", ", surfaces)}.";
        }

        double[] rates = [ServerErrorRate, TooManyRequestsRate, BusyRate, DropRate];
        if (rates.Any(rate => rate is < 0 or > 1 || double.IsNaN(rate)) || rates.Sum() > 1.000001)
        {
            return "Each rate must be between 0 and 1, and together they may not exceed 1.";
        }

        return LatencyMilliseconds is < 0 or > 600_000 ? "LatencyMilliseconds must be between 0 and 600000." : null;
    }
}

/// <summary>What a call suffers.</summary>
public enum FaultKind
{
    None,
    ServerError,
    TooManyRequests,
    Busy,
    Drop,
}
