using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LocalCloud.Faults;

/// <summary>Decides, per call, whether a fault is injected. Rules start from configuration and can be replaced at run time.</summary>
public sealed class FaultInjector(IOptions<LocalCloudOptions> options, TimeProvider timeProvider)
{
    private volatile IReadOnlyList<FaultRule> _rules = [.. options.Value.Faults];

    public IReadOnlyList<FaultRule> Rules => _rules;

    public void Replace(IReadOnlyList<FaultRule> rules) => _rules = [.. rules];

    /// <summary>A dropped connection: aborted without an answer.</summary>
    public static IResult Drop(HttpContext context)
    {
        context.Abort();
        return Results.Empty;
    }

    /// <summary>Waits the rule's latency, then rolls for a fault.</summary>
    public async ValueTask<FaultKind> ApplyAsync(string surface, string? function, CancellationToken cancellationToken)
    {
        var rules = _rules;
        if (rules.Count == 0)
        {
            return FaultKind.None;
        }

        var rule = rules.FirstOrDefault(candidate => candidate.Matches(surface, function));
        if (rule is null)
        {
            return FaultKind.None;
        }

        if (rule.LatencyMilliseconds > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(rule.LatencyMilliseconds), timeProvider, cancellationToken).ConfigureAwait(false);
        }

        var roll = Random.Shared.NextDouble();
        return (roll -= rule.DropRate) < 0 ? FaultKind.Drop
            : (roll -= rule.ServerErrorRate) < 0 ? FaultKind.ServerError
            : (roll -= rule.TooManyRequestsRate) < 0 ? FaultKind.TooManyRequests
            : roll - rule.BusyRate < 0 ? FaultKind.Busy
            : FaultKind.None;
    }
}
