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
    private readonly Dictionary<JobChannelKey, Channel> _channels = [];

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

            _byId[invocation.Id] = WithProgress(current, invocation) with
            {
                Polled = invocation.Polled,
                LeaseOwner = invocation.Polled ? null : current.LeaseOwner,
                LeaseExpiresAt = invocation.Polled ? null : current.LeaseExpiresAt,
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

    public Task<IReadOnlyList<JobChannelKey>> FindJobChannelsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<JobChannelKey> keys = _byId.Values
                .Where(invocation => invocation.Polled && !invocation.OutcomePublished)
                .Select(invocation => new JobChannelKey(invocation.Target, invocation.Function))
                .Distinct()
                .ToList();
            return Task.FromResult(keys);
        }
    }

    public Task<JobChannelState?> TryLeaseJobChannelAsync(
        JobChannelKey key, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(key, out var channel))
            {
                _channels[key] = channel = new Channel { State = new JobChannelState(1, null) };
            }

            if (channel.Owner is not null && channel.Owner != owner && channel.ExpiresAt >= now)
            {
                return Task.FromResult<JobChannelState?>(null);
            }

            channel.Owner = owner;
            channel.ExpiresAt = expiresAt;
            return Task.FromResult<JobChannelState?>(channel.State);
        }
    }

    public Task<IReadOnlyList<Invocation>> LoadJobChannelAsync(
        JobChannelKey key, int queuedLimit, DateTimeOffset unmatchedSince, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var rows = _byId.Values.Where(invocation => invocation.Polled && invocation.Target == key.Target && invocation.Function == key.Function).ToList();
            IReadOnlyList<Invocation> loaded =
            [
                .. rows.Where(invocation => invocation.OutcomePublished
                    ? invocation.SubmitSeq is not null && invocation.ProviderJobId is null && invocation.SubmittedAt > unmatchedSince
                    : !IsUnsubmitted(invocation)),
                .. rows.Where(invocation => !invocation.OutcomePublished && IsUnsubmitted(invocation)).OrderBy(invocation => invocation.CreatedAt).Take(queuedLimit),
            ];
            return Task.FromResult(loaded);
        }
    }

    public Task<bool> SaveJobChannelAsync(
        JobChannelKey key, string owner, DateTimeOffset expiresAt, JobChannelState state, IReadOnlyCollection<Invocation> changed, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(key, out var channel) || channel.Owner != owner)
            {
                return Task.FromResult(false);
            }

            channel.State = state;
            channel.ExpiresAt = expiresAt;
            foreach (var invocation in changed)
            {
                if (_byId.TryGetValue(invocation.Id, out var current) && current.Polled)
                {
                    _byId[invocation.Id] = WithProgress(current, invocation) with
                    {
                        SubmittedAt = invocation.SubmittedAt,
                        SubmitSeq = invocation.SubmitSeq,
                    };
                }
            }

            return Task.FromResult(true);
        }
    }

    public Task MarkPolledPublishedAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (_byId.TryGetValue(id, out var current) && current.Polled)
                {
                    _byId[id] = current with { OutcomePublished = true };
                }
            }

            return Task.CompletedTask;
        }
    }

    public Task ReleaseJobChannelAsync(JobChannelKey key, string owner, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(key, out var channel) && channel.Owner == owner)
            {
                channel.Owner = null;
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>What a call to a provider changed: status, result, error, attempts, job id and timings.</summary>
    private static Invocation WithProgress(Invocation current, Invocation progress) => current with
    {
        Status = progress.Status,
        Result = progress.Result,
        Error = progress.Error,
        Attempts = progress.Attempts,
        ProviderJobId = progress.ProviderJobId,
        StartedAt = progress.StartedAt,
        FinishedAt = progress.FinishedAt,
    };

    private static bool IsUnsubmitted(Invocation invocation) =>
        invocation.SubmittedAt is null && invocation.Status == Contracts.InvocationStatus.Queued;

    private static bool IsClaimable(Invocation invocation, DateTimeOffset now) =>
        !invocation.OutcomePublished && !invocation.Polled && (invocation.LeaseExpiresAt is null || invocation.LeaseExpiresAt < now);

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

    private sealed class Channel
    {
        public required JobChannelState State { get; set; }

        public string? Owner { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }
    }
}
