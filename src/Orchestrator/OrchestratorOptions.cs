using Orchestrator.Providers;

namespace Orchestrator;

/// <summary>The <c>Orchestrator</c> configuration section: the targets functions are invoked on.</summary>
public sealed class OrchestratorOptions
{
    public const string SectionName = "Orchestrator";

    /// <summary>The target used when a request names none.</summary>
    public string? DefaultTarget { get; set; }

    /// <summary>The targets by name (<c>Orchestrator:Targets:&lt;name&gt;</c>).</summary>
    public Dictionary<string, TargetOptions> Targets { get; set; } = new(StringComparer.Ordinal);
}
