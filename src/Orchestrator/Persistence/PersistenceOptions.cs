using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Persistence;

/// <summary>How the PostgreSQL store groups its writes (<c>Orchestrator:Persistence</c>).</summary>
public sealed class PersistenceOptions : IValidatableObject
{
    public const string SectionName = "Orchestrator:Persistence";

    /// <summary>
    /// The longest a write waits for others to share its transaction (group commit), when fewer than
    /// <see cref="GroupCommitMinWrites"/> are waiting. Longer windows mean fewer commits under light load and more
    /// latency per write; 0 groups only the writes that arrive while the previous transaction commits.
    /// </summary>
    /// <value>The default value is 8 milliseconds.</value>
    [Range(0, 1_000)]
    public double GroupCommitWindowMilliseconds { get; set; } = 8;

    /// <summary>How many waiting writes commit at once, without waiting out the window.</summary>
    /// <value>The default value is 32.</value>
    [Range(1, 10_000)]
    public int GroupCommitMinWrites { get; set; } = 32;

    /// <summary>The most writes one transaction carries.</summary>
    /// <value>The default value is 500.</value>
    [Range(1, 10_000)]
    public int GroupCommitMaxWrites { get; set; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (GroupCommitMinWrites > GroupCommitMaxWrites)
        {
            yield return new ValidationResult(
                $"{SectionName}:GroupCommitMinWrites ({GroupCommitMinWrites}) must not exceed {SectionName}:GroupCommitMaxWrites ({GroupCommitMaxWrites}).",
                [nameof(GroupCommitMinWrites)]);
        }
    }
}
