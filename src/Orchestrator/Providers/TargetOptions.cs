using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Providers;

/// <summary>
/// One named target: a provider, how to reach it and how hard it may be pushed (<c>Orchestrator:Targets:&lt;name&gt;</c>).
/// Each provider reads the settings it needs and ignores the rest; credentials may come from environment variables
/// (<c>Orchestrator__Targets__&lt;name&gt;__ClientSecret</c>) and are never logged or returned.
/// </summary>
public sealed class TargetOptions
{
    /// <summary>The provider's name: <c>http</c>, <c>minapp</c>, <c>cloudbase</c> or <c>wechat</c>.</summary>
    [Required]
    public string Provider { get; set; } = "";

    /// <summary>
    /// For <c>http</c>: the URL to POST to. <c>{function}</c> is replaced by the function's name. A path that starts
    /// with <c>/</c> is resolved against this orchestrator's own address (the embedded local cloud uses that).
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// For <c>minapp</c>, <c>cloudbase</c> and <c>wechat</c>: the platform's base URL, e.g. <c>https://cloud.minapp.com</c>,
    /// <c>https://{env}.api.tcloudbasegateway.com</c> or <c>https://api.weixin.qq.com</c>. A path that starts with
    /// <c>/</c> is resolved against this orchestrator's own address.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Headers sent with every call; may hold credentials, so they are never logged or returned.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>For <c>minapp</c>: the client id of the open API.</summary>
    public string? ClientId { get; set; }

    /// <summary>For <c>minapp</c>: the client secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>For <c>minapp</c>: the test environment (<c>X-Hydrogen-Env-ID</c>). For <c>wechat</c>: the cloud environment id (required).</summary>
    public string? Environment { get; set; }

    /// <summary>For <c>cloudbase</c>: a server API key. Either it, or <see cref="SecretId"/> and <see cref="SecretKey"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>For <c>cloudbase</c>: the SecretId of the client-credentials grant.</summary>
    public string? SecretId { get; set; }

    /// <summary>For <c>cloudbase</c>: the SecretKey of the client-credentials grant.</summary>
    public string? SecretKey { get; set; }

    /// <summary>For <c>cloudbase</c>: the function version to call (<c>X-Qualifier</c>); the traffic rules decide when absent.</summary>
    public string? Qualifier { get; set; }

    /// <summary>For <c>wechat</c>: the app id.</summary>
    public string? AppId { get; set; }

    /// <summary>For <c>wechat</c>: the app secret.</summary>
    public string? AppSecret { get; set; }

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

    /// <summary>
    /// How many calls (and, for asynchronous jobs, jobs in flight) this instance runs on the target at once; more wait
    /// their turn here instead of being refused by the platform. MinApp runs 100 jobs at once per app on its 128 MB plan.
    /// </summary>
    /// <value>The default value is 100.</value>
    [Range(1, 100_000)]
    public int MaxConcurrency { get; set; } = 100;

    /// <summary>How many requests a second this instance sends the target at most; 0 for no limit.</summary>
    /// <value>The default value is 0.</value>
    [Range(0, 1_000_000)]
    public double RequestsPerSecond { get; set; }

    /// <summary>The circuit breaker: the share of failed calls in <see cref="BreakerSamplingSeconds"/> that opens it.</summary>
    /// <value>The default value is 0.5.</value>
    [Range(0.01, 1)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>How many calls the sampling window needs before the breaker may open.</summary>
    /// <value>The default value is 20.</value>
    [Range(2, 100_000)]
    public int BreakerMinimumThroughput { get; set; } = 20;

    /// <summary>The breaker's sampling window.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(1, 3600)]
    public int BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open breaker refuses calls before it lets one through to test the target.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(1, 3600)]
    public int BreakerBreakSeconds { get; set; } = 15;

    /// <summary>Asynchronous jobs: the shortest interval between two polls of one function, used while things change.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(10, 60_000)]
    public int PollMinIntervalMilliseconds { get; set; } = 200;

    /// <summary>Asynchronous jobs: the longest interval, reached by doubling while nothing changes.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(10, 300_000)]
    public int PollMaxIntervalMilliseconds { get; set; } = 5_000;

    /// <summary>MinApp: the most job records one job-list request asks for (the platform's page limit).</summary>
    /// <value>The default value is 1000.</value>
    [Range(1, 1000)]
    public int JobListPageSize { get; set; } = 1000;

    /// <summary>
    /// MinApp: how long a submitted job may stay out of the job list before its invocation ends <c>schedule_failed</c>.
    /// </summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(1, 3600)]
    public int JobAppearTimeoutSeconds { get; set; } = 60;
}
