namespace Orchestrator.Providers;

/// <summary>
/// A platform access token, fetched once and shared by every call until shortly before it expires (a tenth of its
/// lifetime, at most five minutes, early), or until a call reports it rejected. Concurrent callers wait for one fetch.
/// </summary>
internal sealed class AccessTokenCache(Func<string?, CancellationToken, Task<TokenGrant>> fetch, TimeProvider timeProvider) : IDisposable
{
    private static readonly TimeSpan MaxRefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private TokenGrant? _current;
    private long _refreshAtTicks;

    /// <summary>The cached token, or a new one when it is missing, due for refresh, or was rejected.</summary>
    /// <exception cref="TokenException">The platform would not issue one.</exception>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && timeProvider.GetUtcNow().UtcTicks < Interlocked.Read(ref _refreshAtTicks))
        {
            return current.Token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            if (current is not null && timeProvider.GetUtcNow().UtcTicks < Interlocked.Read(ref _refreshAtTicks))
            {
                return current.Token;
            }

            var grant = await fetch(current?.Token, cancellationToken);
            var margin = TimeSpan.FromTicks(Math.Min(grant.Lifetime.Ticks / 10, MaxRefreshMargin.Ticks));
            Interlocked.Exchange(ref _refreshAtTicks, (timeProvider.GetUtcNow() + grant.Lifetime - margin).UtcTicks);
            Volatile.Write(ref _current, grant);
            return grant.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="rejected"/> (unless a newer token already replaced it), so the next call fetches one.</summary>
    public void Invalidate(string rejected)
    {
        if (Volatile.Read(ref _current) is { } current && current.Token == rejected)
        {
            Interlocked.Exchange(ref _refreshAtTicks, 0);
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>An issued token and how long it lives.</summary>
internal sealed record TokenGrant(string Token, TimeSpan Lifetime);

/// <summary>The platform would not issue a token; <see cref="Outcome"/> says what that means for the call.</summary>
internal sealed class TokenException(ProviderOutcome outcome) : Exception(outcome.Error?.Message)
{
    public ProviderOutcome Outcome { get; } = outcome;
}
