using System.Collections.Concurrent;
using LocalCloud.Http;
using Microsoft.Extensions.Options;

namespace LocalCloud.CloudBase;

/// <summary>CloudBase's credentials: long-lived server API keys, and client-credential access tokens that expire.</summary>
public sealed class CloudBaseAuth(IOptions<LocalCloudOptions> options, TimeProvider timeProvider)
{
    private readonly CloudBaseOptions _options = options.Value.CloudBase;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new();

    public int TokenLifetimeSeconds => _options.TokenLifetimeSeconds;

    public bool IsCredential(string? secretId, string? secretKey) => Secrets.Matches(_options.Credentials, secretId, secretKey);

    public bool IsSecretId(string secretId) => _options.Credentials.ContainsKey(secretId);

    public string IssueToken()
    {
        var token = Secrets.NewToken(24);
        _tokens[token] = timeProvider.GetUtcNow().AddSeconds(_options.TokenLifetimeSeconds);
        return token;
    }

    /// <summary>Checks a bearer credential: an API key, or a token this cloud issued and that has not expired.</summary>
    public BearerCheck Check(string? bearer)
    {
        if (string.IsNullOrEmpty(bearer))
        {
            return BearerCheck.Missing;
        }

        if (_options.ApiKeys.Any(key => Secrets.Equal(key, bearer)))
        {
            return BearerCheck.Valid;
        }

        return _tokens.TryGetValue(bearer, out var expiresAt)
            ? timeProvider.GetUtcNow() < expiresAt ? BearerCheck.Valid : BearerCheck.Expired
            : BearerCheck.Invalid;
    }
}

public enum BearerCheck
{
    Valid,
    Missing,
    Invalid,
    Expired,
}
