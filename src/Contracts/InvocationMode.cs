using System.Text.Json.Serialization;

namespace Orchestrator.Contracts;

/// <summary>How the orchestrator calls the function at the provider.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvocationMode>))]
public enum InvocationMode
{
    /// <summary>Submit with <c>sync=false</c> and poll the job status; the default where the provider supports it.</summary>
    [JsonStringEnumMemberName("async")]
    Async,

    /// <summary>Call and wait for the return value in the same request (MinApp: 5 s limit).</summary>
    [JsonStringEnumMemberName("sync")]
    Sync,
}
