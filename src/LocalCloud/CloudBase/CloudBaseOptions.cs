using System.ComponentModel.DataAnnotations;

namespace LocalCloud.CloudBase;

/// <summary>The Tencent CloudBase surfaces: the HTTP API (<c>/v1/functions</c>) and the server SDKs' route (<c>/admin</c>).</summary>
public sealed class CloudBaseOptions
{
    /// <summary>Well-known development credentials, used only when none are configured.</summary>
    public const string DevelopmentApiKey = "local-api-key";

    public const string DevelopmentSecretId = "AKIDlocal";

    public const string DevelopmentSecretKey = "local-secret-key";

    /// <summary>Server API keys accepted as <c>Authorization: Bearer</c>.</summary>
    /// <value>The default value is <see cref="DevelopmentApiKey"/>.</value>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>SecretId → SecretKey pairs for <c>/auth/v1/token/clientCredential</c>.</summary>
    /// <value>The default value is <see cref="DevelopmentSecretId"/> / <see cref="DevelopmentSecretKey"/>.</value>
    public Dictionary<string, string> Credentials { get; set; } = [];

    /// <value>The default value is 432,000 s (five days), as the platform.</value>
    [Range(1, 31_536_000)]
    public int TokenLifetimeSeconds { get; set; } = 432_000;

    /// <summary>The function time limit.</summary>
    /// <value>The default value is 3,000 ms, the platform's default.</value>
    [Range(1, 900_000)]
    public int TimeLimitMilliseconds { get; set; } = 3_000;

    /// <summary>Calls that may run at once; more are refused with <c>EXCEED_CONCURRENT_REQUEST_LIMIT</c>.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 100_000)]
    public int ConcurrencyLimit { get; set; } = 1_000;
}
