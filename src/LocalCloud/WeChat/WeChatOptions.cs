using System.ComponentModel.DataAnnotations;

namespace LocalCloud.WeChat;

/// <summary>The WeChat cloud surface: <c>/cgi-bin/token</c>, <c>/cgi-bin/stable_token</c> and <c>/tcb/invokecloudfunction</c>.</summary>
public sealed class WeChatOptions
{
    /// <summary>Well-known development credentials, used only when no app is configured.</summary>
    public const string DevelopmentAppId = "wxlocalapp";

    public const string DevelopmentAppSecret = "local-app-secret";

    /// <summary>App id → app secret.</summary>
    /// <value>The default value is <see cref="DevelopmentAppId"/> / <see cref="DevelopmentAppSecret"/>.</value>
    public Dictionary<string, string> Apps { get; set; } = [];

    /// <summary>Access token lifetime; tests make it short to see tokens expire.</summary>
    /// <value>The default value is 7,200 s.</value>
    [Range(1, 7_200)]
    public int TokenLifetimeSeconds { get; set; } = 7_200;

    /// <summary>How long a stable token stays valid after a forced refresh replaced it.</summary>
    /// <value>The default value is 300 s.</value>
    [Range(0, 7_200)]
    public int StableTokenOverlapSeconds { get; set; } = 300;

    /// <value>The default value is 5,000 ms, the documented timeout of <c>invokecloudfunction</c>.</value>
    [Range(1, 900_000)]
    public int TimeLimitMilliseconds { get; set; } = 5_000;

    /// <summary>Calls that may run at once; more are refused with errcode -501004.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 100_000)]
    public int ConcurrencyLimit { get; set; } = 1_000;
}
