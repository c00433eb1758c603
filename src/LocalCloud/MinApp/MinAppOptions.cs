using System.ComponentModel.DataAnnotations;

namespace LocalCloud.MinApp;

/// <summary>The MinApp (知晓云) surface: its clients, limits and token lifetimes.</summary>
public sealed class MinAppOptions
{
    /// <summary>Well-known development credentials, used only when no client is configured (like Azurite's well-known key).</summary>
    public const string DevelopmentClientId = "local-client-id";

    public const string DevelopmentClientSecret = "local-client-secret";

    /// <summary>Open API clients: client id → client secret.</summary>
    /// <value>The default value is one client, <see cref="DevelopmentClientId"/> / <see cref="DevelopmentClientSecret"/>.</value>
    public Dictionary<string, string> Clients { get; set; } = [];

    /// <summary>Jobs that may execute at once in the app; more wait for a slot.</summary>
    /// <value>The default value is 100 (the 128 MB plan).</value>
    [Range(1, 100_000)]
    public int ConcurrencyLimit { get; set; } = 100;

    /// <value>The default value is 5,000 ms.</value>
    [Range(1, 3_600_000)]
    public int SyncTimeLimitMilliseconds { get; set; } = 5_000;

    /// <value>The default value is 300,000 ms.</value>
    [Range(1, 3_600_000)]
    public int AsyncTimeLimitMilliseconds { get; set; } = 300_000;

    /// <summary>How long a sync job waits for a free slot before it ends <c>schedule_failed</c>.</summary>
    /// <value>The default value is 2,000 ms.</value>
    [Range(0, 3_600_000)]
    public int SyncScheduleWaitMilliseconds { get; set; } = 2_000;

    /// <summary>How long an async job waits for a free slot before it ends <c>schedule_failed</c>.</summary>
    /// <value>The default value is 300,000 ms.</value>
    [Range(0, 3_600_000)]
    public int AsyncScheduleWaitMilliseconds { get; set; } = 300_000;

    /// <value>The default value is 600 s.</value>
    [Range(1, 86_400)]
    public int CodeLifetimeSeconds { get; set; } = 600;

    /// <summary>Access token lifetime. The platform does not publish it; unconfirmed.</summary>
    /// <value>The default value is 7,200 s.</value>
    [Range(1, 31_536_000)]
    public int TokenLifetimeSeconds { get; set; } = 7_200;

    /// <summary>Whether the authorize step answers through two redirects that need cookies, as the real service does.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AuthorizeRedirects { get; set; } = true;

    /// <summary>Job records kept per function; the oldest finished ones are dropped beyond it.</summary>
    /// <value>The default value is 200,000.</value>
    [Range(100, 10_000_000)]
    public int JobRetention { get; set; } = 200_000;
}
