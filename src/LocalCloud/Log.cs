using Microsoft.Extensions.Logging;

namespace LocalCloud;

/// <summary>The local cloud's log messages. Event ids: 5xxx runtime, 51xx surfaces.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Local cloud: {FunctionCount} functions ({Functions}), {Workers} Node.js workers")]
    public static partial void Started(ILogger logger, int functionCount, string functions, int workers);

    [LoggerMessage(5001, LogLevel.Debug, "Function worker {ProcessId}: {Line}")]
    public static partial void WorkerOutput(ILogger logger, int processId, string line);

    [LoggerMessage(5002, LogLevel.Warning, "Function worker {ProcessId} broke the protocol and is replaced")]
    public static partial void WorkerProtocolError(ILogger logger, int processId, Exception exception);

    [LoggerMessage(5003, LogLevel.Warning, "Function worker {ProcessId} exited (killed as unresponsive: {Unresponsive}); starting a replacement")]
    public static partial void WorkerReplaced(ILogger logger, int processId, bool unresponsive);

    [LoggerMessage(5004, LogLevel.Warning, "Function {Function} ran past its {LimitMs} ms limit")]
    public static partial void DeadlineExceeded(ILogger logger, string function, double limitMs);
}
