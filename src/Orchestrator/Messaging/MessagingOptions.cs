using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Messaging;

/// <summary>How the orchestrator consumes from the bus (<c>Orchestrator:Messaging</c>).</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Orchestrator:Messaging";

    /// <summary>How many <c>InvokeFunction</c> messages one instance handles at once.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 64;
}
