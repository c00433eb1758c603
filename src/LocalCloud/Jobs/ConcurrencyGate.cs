namespace LocalCloud.Jobs;

/// <summary>A limit on jobs executing at once, with a bounded wait for a free slot.</summary>
public sealed class ConcurrencyGate(int limit)
{
    private readonly SemaphoreSlim _slots = new(limit, limit);

    public int Limit { get; } = limit;

    public int InUse => Limit - _slots.CurrentCount;

    /// <summary>Takes a slot, waiting at most <paramref name="wait"/>; false when none came free in time.</summary>
    public Task<bool> TryEnterAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        _slots.Wait(0, CancellationToken.None) ? Task.FromResult(true) : _slots.WaitAsync(wait, cancellationToken);

    public void Release() => _slots.Release();

    /// <summary>Runs <paramref name="work"/> in a slot if one is free now; <see langword="null"/> when none is.</summary>
    public async Task<T?> TryRunNowAsync<T>(Func<Task<T>> work)
        where T : class
    {
        if (!_slots.Wait(0, CancellationToken.None))
        {
            return null;
        }

        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
