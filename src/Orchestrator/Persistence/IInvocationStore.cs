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
}

/// <summary>The answer of <see cref="IInvocationStore.CreateAsync"/>.</summary>
/// <param name="Invocation">The inserted invocation, or the existing one that has the same id or idempotency key.</param>
/// <param name="Created">Whether this call inserted it.</param>
public readonly record struct CreateResult(Invocation Invocation, bool Created);
