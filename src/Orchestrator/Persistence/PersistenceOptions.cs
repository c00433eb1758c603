using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Persistence;

/// <summary>How the PostgreSQL store groups its writes (<c>Orchestrator:Persistence</c>).</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "Orchestrator:Persistence";

    /// <summary>
    /// How long a write waits for others to share its transaction (group commit). Longer windows mean fewer commits
    /// and more latency per write; 0 still groups the writes that arrive while the previous transaction commits.
    /// </summary>
    /// <value>The default value is 2 milliseconds.</value>
    [Range(0, 1_000)]
    public double GroupCommitWindowMilliseconds { get; set; } = 2;

    /// <summary>The most writes one transaction carries.</summary>
    /// <value>The default value is 500.</value>
    [Range(1, 10_000)]
    public int GroupCommitMaxWrites { get; set; } = 500;
}
