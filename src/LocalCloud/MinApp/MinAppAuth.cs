using System.Collections.Concurrent;
using LocalCloud.Http;
using Microsoft.Extensions.Options;

namespace LocalCloud.MinApp;

/// <summary>
/// MinApp's credentials: authorization codes, access/refresh token pairs (a refresh invalidates the old pair), and the
/// client SDK's anonymous user tokens. Everything lives in memory and expires on the injected clock.
/// </summary>
public sealed class MinAppAuth(IOptions<LocalCloudOptions> options, TimeProvider timeProvider)
{
    private readonly MinAppOptions _options = options.Value.MinApp;
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, Grant> _accessTokens = new();
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, Grant> _userTokens = new();
    private readonly ConcurrentDictionary<string, (string Cookie, string Code)> _handoffs = new();
    private long _nextUserId = 36_000_000;

    public int TokenLifetimeSeconds => _options.TokenLifetimeSeconds;

    public bool IsClient(string? clientId) => clientId is not null && _options.Clients.ContainsKey(clientId);

    public bool IsClient(string? clientId, string? clientSecret) => Secrets.Matches(_options.Clients, clientId, clientSecret);

    public string IssueCode(string clientId)
    {
        var code = Secrets.NewToken();
        _codes[code] = new Grant(clientId, Expiry(_options.CodeLifetimeSeconds), Pair: null);
        return code;
    }

    /// <summary>Starts the redirect hand-off of a code: the ticket goes in the URL, the cookie must come back with it.</summary>
    public (string Ticket, string Cookie) BeginHandoff(string code)
    {
        var ticket = Secrets.NewToken(12);
        var cookie = Secrets.NewToken(12);
        _handoffs[ticket] = (cookie, code);
        return (ticket, cookie);
    }

    /// <summary>The code behind a ticket when the cookie matches; <paramref name="complete"/> ends the hand-off.</summary>
    public string? ContinueHandoff(string? ticket, string? cookie, bool complete)
    {
        if (ticket is null || !_handoffs.TryGetValue(ticket, out var handoff) || !Secrets.Equal(handoff.Cookie, cookie))
        {
            return null;
        }

        if (complete)
        {
            _handoffs.TryRemove(ticket, out _);
        }

        return handoff.Code;
    }

    /// <summary>Trades a code for a token pair; a code works once, for the client it was issued to.</summary>
    public TokenPair? Exchange(string clientId, string? code)
    {
        if (code is null || !_codes.TryRemove(code, out var grant) || grant.ClientId != clientId || IsExpired(grant))
        {
            return null;
        }

        return IssuePair(clientId);
    }

    /// <summary>Trades a refresh token for a new pair and invalidates the old one.</summary>
    public TokenPair? Refresh(string clientId, string? refreshToken)
    {
        if (refreshToken is null || !_refreshTokens.TryGetValue(refreshToken, out var grant) || grant.ClientId != clientId)
        {
            return null;
        }

        if (!_refreshTokens.TryRemove(KeyValuePair.Create(refreshToken, grant)))
        {
            return null;
        }

        _accessTokens.TryRemove(grant.Pair!.AccessToken, out _);
        return IssuePair(clientId);
    }

    public bool IsValidAccessToken(string? token) => token is not null && _accessTokens.TryGetValue(token, out var grant) && !IsExpired(grant);

    /// <summary>An anonymous user's token for the client SDK.</summary>
    public (string Token, long UserId) LoginAnonymously(string clientId)
    {
        var token = Secrets.NewToken();
        _userTokens[token] = new Grant(clientId, Expiry(_options.TokenLifetimeSeconds), Pair: null);
        return (token, Interlocked.Increment(ref _nextUserId));
    }

    public bool IsValidUserToken(string clientId, string? token) =>
        token is not null && _userTokens.TryGetValue(token, out var grant) && grant.ClientId == clientId && !IsExpired(grant);

    private TokenPair IssuePair(string clientId)
    {
        var pair = new TokenPair(Secrets.NewToken(), Secrets.NewToken(), _options.TokenLifetimeSeconds);
        var grant = new Grant(clientId, Expiry(_options.TokenLifetimeSeconds), pair);
        _accessTokens[pair.AccessToken] = grant;
        _refreshTokens[pair.RefreshToken] = grant;
        return pair;
    }

    private DateTimeOffset Expiry(int seconds) => timeProvider.GetUtcNow().AddSeconds(seconds);

    private bool IsExpired(Grant grant) => timeProvider.GetUtcNow() >= grant.ExpiresAt;

    private sealed record Grant(string ClientId, DateTimeOffset ExpiresAt, TokenPair? Pair);
}

/// <summary>An access token and the refresh token that replaces it.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);
