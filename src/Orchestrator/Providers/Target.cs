using System.Threading.RateLimiting;
using Orchestrator.Contracts;
using Polly;
using Polly.CircuitBreaker;

namespace Orchestrator.Providers;

/// <summary>
/// One configured target at run time: its provider, the limits every request to it passes (concurrency, rate,
/// circuit breaker, per-call timeout) and its health. Built once at start by <see cref="TargetRegistry"/>.
/// </summary>
public sealed class Target : IAsyncDisposable
{
    private readonly ResiliencePipeline _guard;
    private readonly ConcurrencyLimiter _concurrency;
    private readonly RateLimiter? _rate;
    private readonly CircuitBreakerStateProvider _circuit;

    internal Target(
        string name,
        TargetOptions options,
        IFunctionProvider provider,
        ResiliencePipeline guard,
        CircuitBreakerStateProvider circuit,
        TargetHealth health,
        ResiliencePipeline<ProviderOutcome> pipeline)
    {
        Name = name;
        Options = options;
        Provider = provider;
        _guard = guard;
        _circuit = circuit;
        Health = health;
        Pipeline = pipeline;
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        if (options.RequestsPerSecond > 0)
        {
            // Refilled ten times a second; a burst of one tenth of a second's worth is allowed.
            var perTick = Math.Max(1, (int)Math.Ceiling(options.RequestsPerSecond / 10));
            _rate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = perTick,
                TokensPerPeriod = perTick,
                ReplenishmentPeriod = TimeSpan.FromSeconds(perTick / options.RequestsPerSecond),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
    }

    public string Name { get; }

    public TargetOptions Options { get; }

    public IFunctionProvider Provider { get; }

    /// <summary>The provider's polling side, when its functions run as jobs of their own.</summary>
    public IJobPoller? Poller => Provider as IJobPoller;

    public TargetHealth Health { get; }

    /// <summary>The circuit breaker's state: <c>closed</c>, <c>open</c>, <c>half_open</c> or <c>isolated</c>.</summary>
    public CircuitState Circuit => _circuit.CircuitState;

    /// <summary>Runs an invocation's call with retries around <see cref="CallAsync{T}"/>.</summary>
    internal ResiliencePipeline<ProviderOutcome> Pipeline { get; }

    /// <summary>
    /// One request to the target: waits for a free slot (unless <paramref name="takeSlot"/> is false: a poller's requests
    /// are for jobs that hold slots already) and the rate limit, then runs <paramref name="call"/> through the circuit
    /// breaker with the per-call timeout. Throws <see cref="BrokenCircuitException"/> while the circuit is open and
    /// <see cref="Polly.Timeout.TimeoutRejectedException"/> when the call runs out of time.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool takeSlot = true)
    {
        using var slot = takeSlot ? await _concurrency.AcquireAsync(1, cancellationToken) : null;
        using var rate = _rate is null ? null : await _rate.AcquireAsync(1, cancellationToken);
        return await _guard.ExecuteAsync(static async (call, token) => await call(token), call, cancellationToken);
    }

    /// <summary>
    /// A concurrency slot held by an asynchronous job while it is in flight at the provider, or <see langword="null"/>
    /// when every slot is taken: the job then waits here instead of piling up at the provider.
    /// </summary>
    public RateLimitLease? TryTakeJobSlot()
    {
        var lease = _concurrency.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _concurrency.DisposeAsync();
        if (_rate is not null)
        {
            await _rate.DisposeAsync();
        }

        (Provider as IDisposable)?.Dispose();
    }
}

/// <summary>What a target's requests have come to since the start, for <c>GET /api/v1/targets</c>.</summary>
public sealed class TargetHealth
{
    private long _requests;
    private long _calls;
    private long _failures;
    private LastFailure? _lastFailure;

    /// <summary>HTTP requests sent to the target, token requests and polls included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Calls that got an answer the provider understood (success or a final failure).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls that failed transiently (5xx, 429, busy, timeouts, unreachable).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public LastFailure? Last => Volatile.Read(ref _lastFailure);

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountCall() => Interlocked.Increment(ref _calls);

    internal void CountFailure(InvocationError error, DateTimeOffset at)
    {
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _lastFailure, new LastFailure(error, at));
    }

    /// <summary>The latest transient failure.</summary>
    public sealed record LastFailure(InvocationError Error, DateTimeOffset At);
}

/// <summary>Counts every HTTP request a target's provider sends.</summary>
internal sealed class CountingHandler(TargetHealth health) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        health.CountRequest();
        return base.SendAsync(request, cancellationToken);
    }
}
