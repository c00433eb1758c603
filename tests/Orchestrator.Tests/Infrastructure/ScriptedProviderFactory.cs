using Orchestrator.Invocations;
using Orchestrator.Providers;

namespace Orchestrator.Tests.Infrastructure;

/// <summary>A provider whose every call runs a script: given the attempt number (1-based), what it comes to.</summary>
internal sealed class ScriptedProviderFactory(Func<int, CancellationToken, Task<ProviderOutcome>> script) : IFunctionProviderFactory, IFunctionProvider
{
    private int _calls;

    public int Calls => _calls;

    public string Name => "scripted";

    public IEnumerable<string> Validate(string configurationPath, TargetOptions options) => [];

    public IFunctionProvider Create(string targetName, TargetOptions options, HttpMessageHandler handler) => this;

    public Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        script(Interlocked.Increment(ref _calls), cancellationToken);
}
