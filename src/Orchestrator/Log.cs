using Microsoft.Extensions.Logging;

namespace Orchestrator;

/// <summary>
/// Log messages, source-generated. Event ids: 1xxx invocations, 2xxx persistence, 3xxx providers.
/// Payloads, results and target settings (which may hold credentials) are never logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Invocation {InvocationId} rejected: the field '{Field}' is invalid")]
    public static partial void InvocationRejected(ILogger logger, Guid invocationId, string field);

    [LoggerMessage(1002, LogLevel.Debug, "Invocation {InvocationId} of {Function} on {Target} ended {Status} after {Attempts} attempt(s)")]
    public static partial void InvocationCompleted(ILogger logger, Guid invocationId, string function, string target, string status, int attempts);

    [LoggerMessage(1003, LogLevel.Warning, "Invocation {InvocationId}: the lease was lost to another instance; its outcome is theirs to publish")]
    public static partial void LeaseLost(ILogger logger, Guid invocationId);

    [LoggerMessage(1004, LogLevel.Information, "Recovered {Count} abandoned invocation(s)")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(1005, LogLevel.Error, "Invocation {InvocationId} could not be finished; it will be retried when its lease expires")]
    public static partial void BackgroundInvocationFailed(ILogger logger, Exception exception, Guid invocationId);

    [LoggerMessage(1006, LogLevel.Error, "The recovery sweep failed; it will run again")]
    public static partial void RecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(1007, LogLevel.Warning, "Invocation {InvocationId}: its outcome was published but could not be marked so; the recovery sweep will publish it again")]
    public static partial void MarkPublishedFailed(ILogger logger, Exception exception, Guid invocationId);

    [LoggerMessage(1101, LogLevel.Error, "Looking for functions with jobs to poll failed; it will run again")]
    public static partial void PollerDiscoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(1102, LogLevel.Error, "The poller of {Function} stopped on an error; another one starts within seconds")]
    public static partial void PollerFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(1103, LogLevel.Warning, "A tick of the poller of {Function} failed; it will run again")]
    public static partial void PollerTickFailed(ILogger logger, Exception exception, string function);

    [LoggerMessage(1104, LogLevel.Warning, "The poller of {Function} lost its lease to another instance and stopped")]
    public static partial void PollerLeaseLost(ILogger logger, string function);

    [LoggerMessage(2001, LogLevel.Information, "Applied database migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(2002, LogLevel.Information, "Orchestrator started in {Transport} transport / {Store} store mode as instance {Instance}")]
    public static partial void Started(ILogger logger, string transport, string store, string instance);

    [LoggerMessage(2003, LogLevel.Warning, "One write of a group commit of {Count} failed ({SqlState}); the others commit without it")]
    public static partial void GroupWriteFailed(ILogger logger, int count, string sqlState);
}
