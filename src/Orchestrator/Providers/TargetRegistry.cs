using System.Diagnostics.CodeAnalysis;
using System.Net.Http;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Orchestrator.Providers;

/// <summary>The configured targets, each with its provider, its limits and its resilience pipelines, built once at start.</summary>
public sealed class TargetRegistry : IAsyncDisposable
{
    /// <summary>The invocation's attempt budget, read by the retry strategy.</summary>
    internal static readonly ResiliencePropertyKey<AttemptBudget> BudgetKey = new("orchestrator.attempt-budget");

    private readonly Dictionary<string, Target> _targets;

    public TargetRegistry(IOptions<OrchestratorOptions> options, IEnumerable<IFunctionProviderFactory> factories, TimeProvider timeProvider)
    {
        var providers = factories.ToDictionary(factory => factory.Name, StringComparer.OrdinalIgnoreCase);
        DefaultTarget = options.Value.DefaultTarget;
        _targets = options.Value.Targets.ToDictionary(
            pair => pair.Key,
            pair => Build(pair.Key, pair.Value, providers[pair.Value.Provider], timeProvider),
            StringComparer.Ordinal);
    }

    public string? DefaultTarget { get; }

    public IReadOnlyCollection<string> Names => _targets.Keys;

    public IEnumerable<Target> All => _targets.Values;

    public bool TryGet(string name, [NotNullWhen(true)] out Target? target) => _targets.TryGetValue(name, out target);

    /// <summary>The one place that decides what is worth another attempt, and what counts against a target's circuit.</summary>
    internal static bool IsTransient(Exception? exception, object? result) =>
        exception is TimeoutRejectedException or HttpRequestException
        || result is ProviderOutcome { IsTransient: true }
        || result is JobPoll { Failure.IsTransient: true };

    public async ValueTask DisposeAsync()
    {
        foreach (var target in _targets.Values)
        {
            await target.DisposeAsync();
        }
    }

    private static Target Build(string name, TargetOptions options, IFunctionProviderFactory factory, TimeProvider timeProvider)
    {
        var health = new TargetHealth();
        var handler = new CountingHandler(health)
        {
            InnerHandler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                MaxConnectionsPerServer = options.MaxConcurrency + 8,
            },
        };
        var circuit = new CircuitBreakerStateProvider();
        var breakDuration = TimeSpan.FromSeconds(options.BreakerBreakSeconds);
        var guard = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = args =>
                {
                    var transient = IsTransient(args.Outcome.Exception, args.Outcome.Result);
                    if (transient)
                    {
                        health.CountFailure(Describe(args.Outcome.Exception, args.Outcome.Result), timeProvider.GetUtcNow());
                    }
                    else if (args.Outcome.Exception is null)
                    {
                        health.CountCall();
                    }

                    return ValueTask.FromResult(transient);
                },
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(options.BreakerSamplingSeconds),
                BreakDuration = breakDuration,
                StateProvider = circuit,
            })
            .AddTimeout(TimeSpan.FromSeconds(options.AttemptTimeoutSeconds))
            .Build();
        var retry = new ResiliencePipelineBuilder<ProviderOutcome> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<ProviderOutcome>
            {
                // The budget is the invocation's own (maxAttempts, and its deadline for an open circuit), so the bound is decided per call.
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, breakDuration, timeProvider)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
                MaxDelay = TimeSpan.FromMilliseconds(options.RetryMaxDelayMilliseconds),

                // While the circuit is open, the next attempt waits until it lets a call through again.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is BrokenCircuitException broken
                    ? (broken.RetryAfter ?? breakDuration) + TimeSpan.FromMilliseconds(Random.Shared.Next(50))
                    : (TimeSpan?)null),
            })
            .Build();
        return new Target(name, options, factory.Create(name, options, handler), guard, circuit, health, retry);
    }

    private static bool ShouldRetry(Outcome<ProviderOutcome> outcome, ResilienceContext context, TimeSpan breakDuration, TimeProvider timeProvider)
    {
        var budget = context.Properties.GetValue(BudgetKey, null!);
        if (budget is null)
        {
            return false;
        }

        if (outcome.Exception is BrokenCircuitException broken)
        {
            // Refused without a call, so no attempt is spent; worth waiting only if the circuit reopens before the deadline.
            return timeProvider.GetUtcNow() + (broken.RetryAfter ?? breakDuration) < budget.Deadline;
        }

        return IsTransient(outcome.Exception, outcome.Result) && budget.Made < budget.Allowed;
    }

    private static InvocationError Describe(Exception? exception, object? result) => exception switch
    {
        TimeoutRejectedException => new InvocationError("timeout", "The call ran past the target's attempt timeout."),
        HttpRequestException http => new InvocationError("unreachable", $"The target could not be reached: {http.HttpRequestError}."),
        _ => result switch
        {
            ProviderOutcome { Error: { } error } => error,
            JobPoll { Failure.Error: { } error } => error,
            _ => new InvocationError("unknown", "The call failed."),
        },
    };
}

/// <summary>How many calls an invocation may make, has made, and until when.</summary>
internal sealed class AttemptBudget(int allowed, DateTimeOffset deadline)
{
    public int Allowed { get; } = allowed;

    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>Calls that reached the provider; refusals of an open circuit do not count.</summary>
    public int Made { get; set; }
}
