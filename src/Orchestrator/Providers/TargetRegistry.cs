using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Orchestrator.Providers;

/// <summary>The configured targets, each with its provider and one Polly pipeline, built once at start.</summary>
public sealed class TargetRegistry
{
    /// <summary>The attempts an invocation may still make; read by the retry strategy.</summary>
    public static readonly ResiliencePropertyKey<int> AttemptsAllowedKey = new("orchestrator.attempts-allowed");

    private readonly Dictionary<string, Target> _targets;

    public TargetRegistry(IOptions<OrchestratorOptions> options, IEnumerable<IFunctionProviderFactory> factories, TimeProvider timeProvider)
    {
        var providers = factories.ToDictionary(factory => factory.Name, StringComparer.OrdinalIgnoreCase);
        DefaultTarget = options.Value.DefaultTarget;
        _targets = options.Value.Targets.ToDictionary(
            pair => pair.Key,
            pair => new Target(
                pair.Key,
                pair.Value,
                providers[pair.Value.Provider].Create(pair.Key, pair.Value),
                BuildPipeline(pair.Value, timeProvider)),
            StringComparer.Ordinal);
    }

    public string? DefaultTarget { get; }

    public IReadOnlyCollection<string> Names => _targets.Keys;

    public bool TryGet(string name, [NotNullWhen(true)] out Target? target) => _targets.TryGetValue(name, out target);

    /// <summary>The one place that decides what is worth another attempt.</summary>
    internal static bool IsTransient(Outcome<ProviderOutcome> outcome) =>
        outcome.Exception is TimeoutRejectedException || outcome.Result is { IsTransient: true };

    private static ResiliencePipeline<ProviderOutcome> BuildPipeline(TargetOptions options, TimeProvider timeProvider) =>
        new ResiliencePipelineBuilder<ProviderOutcome> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<ProviderOutcome>
            {
                // The budget is the invocation's own (maxAttempts), so the bound is decided per call here.
                ShouldHandle = args => ValueTask.FromResult(
                    IsTransient(args.Outcome) && args.AttemptNumber + 1 < args.Context.Properties.GetValue(AttemptsAllowedKey, 1)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
                MaxDelay = TimeSpan.FromMilliseconds(options.RetryMaxDelayMilliseconds),
            })
            .AddTimeout(TimeSpan.FromSeconds(options.AttemptTimeoutSeconds))
            .Build();
}
