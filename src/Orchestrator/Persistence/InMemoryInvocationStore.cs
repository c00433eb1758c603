using Orchestrator.Invocations;

namespace Orchestrator.Persistence;

/// <summary>
/// The embedded mode's store: the same claim and lease semantics as the PostgreSQL store, in process memory.
/// Nothing survives a restart.
/// </summary>
internal sealed class InMemoryInvocationStore : IInvocationStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Invocation> _byId = [];
    private readonly Dictionary<string, Guid> _byIdempotencyKey = new(StringComparer.Ordinal);

    public Task<CreateResult> CreateAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(invocation.Id, out var existing))
            {
                return Task.FromResult(new CreateResult(existing, Created: false));
            }

            if (invocation.IdempotencyKey is { } key && _byIdempotencyKey.TryGetValue(key, out var existingId))
            {
                return Task.FromResult(new CreateResult(_byId[existingId], Created: false));
            }

            _byId.Add(invocation.Id, invocation);
            if (invocation.IdempotencyKey is { } newKey)
            {
                _byIdempotencyKey.Add(newKey, invocation.Id);
            }

            return Task.FromResult(new CreateResult(invocation, Created: true));
        }
    }

    public Task<Invocation?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_byId.GetValueOrDefault(id));
        }
    }

    public Task<Invocation?> TryClaimAsync(Guid id, string owner, DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(
                _byId.TryGetValue(id, out var invocation)
                && (IsClaimable(invocation, now) || (invocation.LeaseOwner == owner && !invocation.OutcomePublished))
                    ? Claim(invocation, owner, now, grace)
                    : null);
        }
    }

    public Task<IReadOnlyList<Invocation>> ClaimPendingAsync(string owner, DateTimeOffset now, TimeSpan grace, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<Invocation> claimed = _byId.Values
                .Where(invocation => IsClaimable(invocation, now))
                .OrderBy(invocation => invocation.CreatedAt)
                .Take(limit)
                .ToList()
                .Select(invocation => Claim(invocation, owner, now, grace))
                .ToList();
            return Task.FromResult(claimed);
        }
    }

    public Task<bool> SaveProgressAsync(Invocation invocation, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(invocation.Id, out var current) || current.LeaseOwner != owner)
            {
                return Task.FromResult(false);
            }

            _byId[invocation.Id] = current with
            {
                Status = invocation.Status,
                Result = invocation.Result,
                Error = invocation.Error,
                Attempts = invocation.Attempts,
                ProviderJobId = invocation.ProviderJobId,
                StartedAt = invocation.StartedAt,
                FinishedAt = invocation.FinishedAt,
            };
            return Task.FromResult(true);
        }
    }

    public Task MarkPublishedAsync(Guid id, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var current) && current.LeaseOwner == owner)
            {
                _byId[id] = current with { OutcomePublished = true, LeaseOwner = null, LeaseExpiresAt = null };
            }

            return Task.CompletedTask;
        }
    }

    private static bool IsClaimable(Invocation invocation, DateTimeOffset now) =>
        !invocation.OutcomePublished && (invocation.LeaseExpiresAt is null || invocation.LeaseExpiresAt < now);

    private Invocation Claim(Invocation invocation, string owner, DateTimeOffset now, TimeSpan grace)
    {
        var claimed = invocation with
        {
            LeaseOwner = owner,
            LeaseExpiresAt = now + TimeSpan.FromSeconds(invocation.TimeoutSeconds) + grace,
        };
        _byId[invocation.Id] = claimed;
        return claimed;
    }
}
