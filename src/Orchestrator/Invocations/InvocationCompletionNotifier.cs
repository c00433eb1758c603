using System.Collections.Concurrent;

namespace Orchestrator.Invocations;

/// <summary>Lets a request that waits for an invocation (<c>?wait=N</c>) hear when this instance finishes it.</summary>
public sealed class InvocationCompletionNotifier
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();

    /// <summary>A task that completes when <see cref="Notify"/> is called for <paramref name="id"/>.</summary>
    public Task WhenNotified(Guid id) =>
        _waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(Guid id) => _waiters.TryRemove(id, out _);

    public void Notify(Guid id)
    {
        if (_waiters.TryRemove(id, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
