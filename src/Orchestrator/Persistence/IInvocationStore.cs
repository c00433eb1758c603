using Orchestrator.Invocations;

namespace Orchestrator.Persistence;

/// <summary>
/// Durable invocation state. Every write that changes an invocation's progress is guarded by its lease,
/// so an instance that lost its lease (it stalled and another took over) cannot overwrite the new holder's work.
/// </summary>
public interface IInvocationStore
{
    /// <summary>
    /// Inserts <paramref name="invocation"/> (with the lease it carries), unless one with the same id or
    /// idempotency key exists: then nothing is written and the existing one is returned.
    /// </summary>
    Task<CreateResult> CreateAsync(Invocation invocation, CancellationToken cancellationToken);

    Task<Invocation?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the lease of an invocation that still needs work when no one holds it, its lease expired before
    /// <paramref name="now"/>, or <paramref name="owner"/> holds it already (a retry taking its lease back).
    /// The lease lasts the invocation's timeout plus <paramref name="grace"/>.
    /// </summary>
    /// <returns>The claimed invocation, or <see langword="null"/> when it is done or held by another.</returns>
    Task<Invocation?> TryClaimAsync(Guid id, string owner, DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>Claims up to <paramref name="limit"/> invocations that need work and whose lease is free or expired.</summary>
    Task<IReadOnlyList<Invocation>> ClaimPendingAsync(string owner, DateTimeOffset now, TimeSpan grace, int limit, CancellationToken cancellationToken);

    /// <summary>Stores the progress of an invocation whose lease <paramref name="owner"/> holds.</summary>
    /// <returns><see langword="false"/> when the lease was lost and nothing was written.</returns>
    Task<bool> SaveProgressAsync(Invocation invocation, string owner, CancellationToken cancellationToken);

    /// <summary>Records that the outcome was published and releases the lease.</summary>
    Task MarkPublishedAsync(Guid id, string owner, CancellationToken cancellationToken);

    /// <summary>The functions that have polled invocations still to finish.</summary>
    Task<IReadOnlyList<JobChannelKey>> FindJobChannelsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes or renews the lease on a function's poller (created on first use) when it is free, expired, or
    /// <paramref name="owner"/>'s already; it lasts until <paramref name="expiresAt"/>.
    /// </summary>
    /// <returns>The poller's state, or <see langword="null"/> when another instance holds it.</returns>
    Task<JobChannelState?> TryLeaseJobChannelAsync(JobChannelKey key, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// A function's polled invocations that need its poller: every one not yet published, except that of those not
    /// yet submitted only the <paramref name="queuedLimit"/> oldest; and published ones submitted after
    /// <paramref name="unmatchedSince"/> whose job has not been matched yet (they keep their place in the order).
    /// </summary>
    Task<IReadOnlyList<Invocation>> LoadJobChannelAsync(JobChannelKey key, int queuedLimit, DateTimeOffset unmatchedSince, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the poller's state and the invocations it changed, in one transaction, and renews its lease, provided
    /// <paramref name="owner"/> still holds it.
    /// </summary>
    /// <returns><see langword="false"/> when the lease was lost and nothing was written.</returns>
    Task<bool> SaveJobChannelAsync(
        JobChannelKey key, string owner, DateTimeOffset expiresAt, JobChannelState state, IReadOnlyCollection<Invocation> changed, CancellationToken cancellationToken);

    /// <summary>Records that the outcomes of polled invocations were published.</summary>
    Task MarkPolledPublishedAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>Gives up the lease on a function's poller.</summary>
    Task ReleaseJobChannelAsync(JobChannelKey key, string owner, CancellationToken cancellationToken);
}

/// <summary>A function on a target: what one poller follows.</summary>
public readonly record struct JobChannelKey(string Target, string Function)
{
    public override string ToString() => $"{Target}/{Function}";
}

/// <summary>Where a function's poller stands.</summary>
/// <param name="NextSeq">The place the next submission takes.</param>
/// <param name="Watermark">The newest provider job matched or skipped; <see langword="null"/> before the first look.</param>
public sealed record JobChannelState(long NextSeq, long? Watermark);

/// <summary>The answer of <see cref="IInvocationStore.CreateAsync"/>.</summary>
/// <param name="Invocation">The inserted invocation, or the existing one that has the same id or idempotency key.</param>
/// <param name="Created">Whether this call inserted it.</param>
public readonly record struct CreateResult(Invocation Invocation, bool Created);
