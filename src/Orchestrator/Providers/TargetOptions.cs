using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Providers;

/// <summary>One named target: a provider and how to reach it (<c>Orchestrator:Targets:&lt;name&gt;</c>).</summary>
public sealed class TargetOptions
{
    /// <summary>The provider's name, e.g. <c>http</c>.</summary>
    [Required]
    public string Provider { get; set; } = "";

    /// <summary>
    /// For <c>http</c>: the URL to POST to. <c>{function}</c> is replaced by the function's name. A path that starts
    /// with <c>/</c> is resolved against this orchestrator's own address (the embedded sample functions use that).
    /// </summary>
    public string? Url { get; set; }

    /// <summary>Headers sent with every call; may hold credentials, so they are never logged or returned.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one provider call may take before it is abandoned and retried.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(1, 900)]
    public int AttemptTimeoutSeconds { get; set; } = 30;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(1, 60_000)]
    public int RetryBaseDelayMilliseconds { get; set; } = 200;

    /// <summary>The longest delay between two attempts.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(1, 300_000)]
    public int RetryMaxDelayMilliseconds { get; set; } = 10_000;
}
