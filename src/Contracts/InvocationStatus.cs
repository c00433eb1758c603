using System.Text.Json.Serialization;

namespace Orchestrator.Contracts;

/// <summary>
/// Where an invocation stands. On the wire and in the API these are MinApp's snake_case job statuses.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvocationStatus>))]
public enum InvocationStatus
{
    /// <summary>Accepted by the orchestrator, not yet sent to the provider.</summary>
    [JsonStringEnumMemberName("queued")]
    Queued,

    /// <summary>Accepted by the provider, not yet running.</summary>
    [JsonStringEnumMemberName("waiting")]
    Waiting,

    /// <summary>Running at the provider.</summary>
    [JsonStringEnumMemberName("executing")]
    Executing,

    /// <summary>Finished successfully. Terminal.</summary>
    [JsonStringEnumMemberName("fulfilled")]
    Fulfilled,

    /// <summary>The function threw or returned an error, or transient failures spent the retry budget. Terminal.</summary>
    [JsonStringEnumMemberName("execution_failed")]
    ExecutionFailed,

    /// <summary>The invocation ran past its time limit, the provider's or the orchestrator's. Terminal.</summary>
    [JsonStringEnumMemberName("deadline_exceeded")]
    DeadlineExceeded,

    /// <summary>Refused for good: invalid input, unknown function or target, bad credentials, payload too large. Terminal.</summary>
    [JsonStringEnumMemberName("execution_rejected")]
    ExecutionRejected,

    /// <summary>The provider could not schedule it (concurrency or quota exhausted) after the orchestrator's retries. Terminal.</summary>
    [JsonStringEnumMemberName("schedule_failed")]
    ScheduleFailed,

    /// <summary>Cancelled by a user before it finished. Terminal.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}
