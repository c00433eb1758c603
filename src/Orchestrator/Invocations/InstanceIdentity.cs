namespace Orchestrator.Invocations;

/// <summary>Names this orchestrator instance in the leases it takes.</summary>
public sealed class InstanceIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}
