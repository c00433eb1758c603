using Orchestrator.Invocations;

namespace Orchestrator.Providers;

/// <summary>
/// Calls functions on one target. Implementations classify every answer into a <see cref="ProviderOutcome"/> and
/// throw only when cancelled; retries, timeouts and attempt counting belong to the target's pipeline.
/// </summary>
public interface IFunctionProvider
{
    Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken);
}

/// <summary>Creates the <see cref="IFunctionProvider"/> of each target configured with this provider.</summary>
public interface IFunctionProviderFactory
{
    /// <summary>The name targets use in their <c>Provider</c> setting.</summary>
    string Name { get; }

    /// <summary>Checks a target's settings; each message names the configuration key at fault.</summary>
    IEnumerable<string> Validate(string configurationPath, TargetOptions options);

    IFunctionProvider Create(string targetName, TargetOptions options);
}
