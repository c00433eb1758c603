namespace Orchestrator.Invocations;

/// <summary>Names this orchestrator instance in the leases it takes.</summary>
public sealed class InstanceIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// A lease token: this instance plus what holds the lease. Each claim gets its own, so two copies of one piece
    /// of work in this instance cannot both write; a retry of the same message (same <paramref name="scope"/>) is
    /// the same holder and may take its lease back.
    /// </summary>
    public string NewLeaseToken(string? scope = null) => $"{Id}/{scope ?? Guid.NewGuid().ToString("N")}";
}
