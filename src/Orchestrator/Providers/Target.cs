using Polly;

namespace Orchestrator.Providers;

/// <summary>A configured target, ready to call: its provider and its resilience pipeline.</summary>
public sealed record Target(string Name, TargetOptions Options, IFunctionProvider Provider, ResiliencePipeline<ProviderOutcome> Pipeline);
