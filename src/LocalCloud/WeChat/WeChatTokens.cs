using System.Collections.Concurrent;
using LocalCloud.Http;
using Microsoft.Extensions.Options;

namespace LocalCloud.WeChat;

/// <summary>
/// WeChat access tokens. <c>/cgi-bin/token</c> issues a new one on every call; <c>/cgi-bin/stable_token</c> hands out
/// the same one until it expires, unless forced, and a forced refresh leaves the old one valid for a short overlap.
/// Expired tokens are remembered so a call with one is told 42001 (expired), not 40001 (invalid).
/// </summary>
public sealed class WeChatTokens(IOptions<LocalCloudOptions> options, TimeProvider timeProvider)
{
    private readonly WeChatOptions _options = options.Value.WeChat;
    private readonly ConcurrentDictionary<string, Token> _tokens = new();
    private readonly ConcurrentDictionary<string, Token> _stable = new();

    public bool IsApp(string? appId) => appId is not null && _options.Apps.ContainsKey(appId);

    public bool IsApp(string? appId, string? secret) => Secrets.Matches(_options.Apps, appId, secret);

    public (string AccessToken, int ExpiresIn) Issue(string appId)
    {
        var token = New(appId);
        return (token.Value, token.SecondsLeft(timeProvider.GetUtcNow()));
    }

    public (string AccessToken, int ExpiresIn) Stable(string appId, bool forceRefresh)
    {
        var now = timeProvider.GetUtcNow();
        var token = _stable.AddOrUpdate(
            appId,
            _ => New(appId),
            (_, current) =>
            {
                if (!forceRefresh && current.ExpiresAt > now)
                {
                    return current;
                }

                var overlapEnd = now.AddSeconds(_options.StableTokenOverlapSeconds);
                _tokens[current.Value] = current with { ExpiresAt = current.ExpiresAt < overlapEnd ? current.ExpiresAt : overlapEnd };
                return New(appId);
            });
        return (token.Value, token.SecondsLeft(now));
    }

    public TokenCheck Check(string? accessToken) =>
        string.IsNullOrEmpty(accessToken) ? TokenCheck.Missing
        : !_tokens.TryGetValue(accessToken, out var token) ? TokenCheck.Invalid
        : token.ExpiresAt <= timeProvider.GetUtcNow() ? TokenCheck.Expired
        : TokenCheck.Valid;

    private Token New(string appId)
    {
        var token = new Token(Secrets.NewToken(32), appId, timeProvider.GetUtcNow().AddSeconds(_options.TokenLifetimeSeconds));
        _tokens[token.Value] = token;
        return token;
    }

    private sealed record Token(string Value, string AppId, DateTimeOffset ExpiresAt)
    {
        public int SecondsLeft(DateTimeOffset now) => (int)Math.Max(0, Math.Round((ExpiresAt - now).TotalSeconds));
    }
}

public enum TokenCheck
{
    Valid,
    Missing,
    Invalid,
    Expired,
}
