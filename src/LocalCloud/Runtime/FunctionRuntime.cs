using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalCloud.Functions;
using LocalCloud.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalCloud.Runtime;

/// <summary>
/// Runs functions in a pool of long-lived Node.js workers, each with many jobs in flight. A job that runs past its
/// limit ends <c>deadline_exceeded</c>; if it stuck its worker's event loop the worker is replaced, and the jobs it
/// held are run again on another worker, so their outcomes are not lost.
/// </summary>
public sealed class FunctionRuntime(IOptions<LocalCloudOptions> options, TimeProvider timeProvider, ILogger<FunctionRuntime> logger)
    : IHostedService, IAsyncDisposable
{
    private readonly LocalCloudOptions _options = options.Value;
    private readonly string _script = Path.Combine(AppContext.BaseDirectory, "localcloud", "worker.js");
    private readonly Lock _gate = new();
    private NodeWorker[] _workers = [];
    private long _nextMessageId;
    private int _replacements;
    private bool _stopping;

    /// <summary>How many workers were replaced after crashing or getting stuck.</summary>
    public int Replacements => Volatile.Read(ref _replacements);

    /// <summary>The workers' process ids.</summary>
    public IReadOnlyList<int> WorkerProcessIds => [.. Volatile.Read(ref _workers).Select(worker => worker.ProcessId)];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_workers.Length == 0)
            {
                _workers = [.. Enumerable.Range(0, _options.Workers).Select(StartWorker)];
            }
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        NodeWorker[] workers;
        lock (_gate)
        {
            _stopping = true;
            workers = _workers;
        }

        await Task.WhenAll(workers.Select(worker => worker.StopAsync(TimeSpan.FromSeconds(2)))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>Runs <paramref name="function"/> with <paramref name="event"/> as its first argument.</summary>
    /// <param name="context">The second argument's fields (it is also MinApp's <c>callback</c>).</param>
    public async Task<FunctionExecution> ExecuteAsync(
        FunctionDefinition function, JsonNode? @event, JsonObject context, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetTimestamp() + (long)(timeLimit.TotalSeconds * timeProvider.TimestampFrequency);
        for (var dispatch = 1; ; dispatch++)
        {
            var worker = PickWorker();
            var id = Interlocked.Increment(ref _nextMessageId);
            Task<JsonDocument> reply;
            lock (worker)
            {
                // A message carrying a function's code must reach the worker before any message that relies on it.
                reply = worker.Send(id, RunMessage(id, worker, function, @event, context));
            }

            var remaining = TimeSpan.FromSeconds((double)(deadline - timeProvider.GetTimestamp()) / timeProvider.TimestampFrequency);
            try
            {
                using var document = await reply.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, timeProvider, cancellationToken)
                    .ConfigureAwait(false);
                return ToExecution(document.RootElement);
            }
            catch (TimeoutException)
            {
                worker.Cancel(id);
                if (reply.IsCompletedSuccessfully)
                {
                    reply.Result.Dispose();
                }

                Log.DeadlineExceeded(logger, function.Name, timeLimit.TotalMilliseconds);
                _ = worker.ProbeAsync(Interlocked.Increment(ref _nextMessageId), TimeSpan.FromMilliseconds(_options.UnresponsiveWorkerMilliseconds), timeProvider);
                return FunctionExecution.Failed(
                    JobStatus.DeadlineExceeded, "deadline_exceeded",
                    $"the function ran past its time limit of {timeLimit.TotalMilliseconds:0} ms", timeLimit.TotalMilliseconds);
            }
            catch (WorkerLostException lost) when (lost.Replaceable && dispatch == 1 && timeProvider.GetTimestamp() < deadline)
            {
                // Its worker was stuck, most likely by another job: run it once more, on the replacement. A job lost
                // twice this way is the likely culprit and is not run a third time.
                await Task.Delay(TimeSpan.FromMilliseconds(20), timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (WorkerLostException lost)
            {
                return FunctionExecution.Failed(JobStatus.ExecutionFailed, "WorkerCrashed", lost.Message);
            }
            catch (InvalidDataException unreadable)
            {
                return FunctionExecution.Failed(JobStatus.ExecutionFailed, "InvalidResult", unreadable.Message);
            }
            catch (OperationCanceledException)
            {
                worker.Cancel(id);
                throw;
            }
        }
    }

    private NodeWorker PickWorker()
    {
        var workers = Volatile.Read(ref _workers);
        if (workers.Length == 0)
        {
            throw new InvalidOperationException("The function runtime has not been started.");
        }

        var best = workers[0];
        foreach (var worker in workers)
        {
            if (worker.IsAlive && (!best.IsAlive || worker.InFlight < best.InFlight))
            {
                best = worker;
            }
        }

        return best;
    }

    private NodeWorker StartWorker(int slot)
    {
        var worker = NodeWorker.Start(_options.NodePath, _script, logger);
        _ = worker.Exited.ContinueWith(_ => Replace(slot, worker), TaskScheduler.Default);
        return worker;
    }

    private void Replace(int slot, NodeWorker exited)
    {
        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(_workers[slot], exited))
            {
                return;
            }

            Log.WorkerReplaced(logger, exited.ProcessId, exited.KilledAsUnresponsive);
            var workers = (NodeWorker[])_workers.Clone();
            workers[slot] = StartWorker(slot);
            Volatile.Write(ref _workers, workers);
            Interlocked.Increment(ref _replacements);
        }
    }

    private static string RunMessage(long id, NodeWorker worker, FunctionDefinition function, JsonNode? @event, JsonObject context)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("t", "run");
            writer.WriteNumber("id", id);
            writer.WriteString("key", function.CacheKey);
            if (worker.NeedsCode(function.CacheKey))
            {
                writer.WriteString("code", function.Code);
                if (function.SourcePath is not null)
                {
                    writer.WriteString("filename", function.SourcePath);
                }
            }

            writer.WritePropertyName("event");
            if (@event is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                @event.WriteTo(writer);
            }

            writer.WritePropertyName("context");
            context.WriteTo(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static FunctionExecution ToExecution(JsonElement reply)
    {
        JobStatusNames.TryParse(reply.GetProperty("status").GetString(), out var status);
        var error = reply.GetProperty("error");
        return new FunctionExecution(
            status,
            reply.GetProperty("data").Clone(),
            error.ValueKind == JsonValueKind.Object
                ? new FunctionError(Text(error, "message"), Text(error, "stack"), Text(error, "type") is { Length: > 0 } type ? type : "Error")
                : null,
            reply.GetProperty("log").GetString() ?? "",
            reply.GetProperty("mem").GetInt64(),
            reply.GetProperty("ms").GetDouble());
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText() : "";
}
