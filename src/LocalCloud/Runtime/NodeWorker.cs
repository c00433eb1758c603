using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LocalCloud.Runtime;

/// <summary>
/// One long-lived Node.js process running <c>worker.js</c>: many jobs in flight at once, one JSON line per message.
/// </summary>
internal sealed class NodeWorker
{
    private const char ReplyMarker = '\x1e';

    // JavaScript values may nest deeper than System.Text.Json's default of 64 levels.
    private static readonly JsonDocumentOptions ReplyOptions = new() { MaxDepth = 1_024 };

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Channel<string> _outbox = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonDocument>> _pending = new();
    private readonly ConcurrentDictionary<string, byte> _loaded = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _dead;
    private volatile bool _killedAsUnresponsive;
    private int _probing;

    private NodeWorker(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
    }

    public int ProcessId => _process.Id;

    public int InFlight => _pending.Count;

    public bool IsAlive => !_dead;

    public bool KilledAsUnresponsive => _killedAsUnresponsive;

    public Task Exited => _exited.Task;

    public static NodeWorker Start(string nodePath, string script, ILogger logger)
    {
        var startInfo = new ProcessStartInfo(nodePath)
        {
            ArgumentList = { script },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetDirectoryName(script),
        };
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned no process.");
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"The local cloud could not start Node.js ('{nodePath}'): {exception.Message}. Install Node.js 18 or later, or set LocalCloud:NodePath.",
                exception);
        }

        var worker = new NodeWorker(process, logger);
        _ = worker.WriteLoopAsync();
        _ = worker.ReadLoopAsync();
        _ = worker.ErrorLoopAsync();
        return worker;
    }

    /// <summary>Whether this worker still needs the code of <paramref name="cacheKey"/>; answers true once per key.</summary>
    public bool NeedsCode(string cacheKey) => _loaded.TryAdd(cacheKey, 0);

    /// <summary>Sends a message whose reply carries <paramref name="id"/>, and returns that reply.</summary>
    public Task<JsonDocument> Send(long id, string line)
    {
        var reply = new TaskCompletionSource<JsonDocument>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        if (_dead && _pending.TryRemove(id, out _))
        {
            reply.TrySetException(new WorkerLostException(_process.Id, null, replaceable: true));
        }
        else
        {
            _outbox.Writer.TryWrite(line);
        }

        return reply.Task;
    }

    /// <summary>Forgets a job the host gave up on; a late reply is dropped.</summary>
    public void Cancel(long id)
    {
        if (_pending.TryRemove(id, out _))
        {
            _outbox.Writer.TryWrite($$"""{"t":"cancel","id":{{id}}}""");
        }
    }

    /// <summary>
    /// Called when a job ran past its limit: a worker whose event loop is stuck (a CPU loop) cannot answer a ping,
    /// and is killed. Its other jobs never got to run meanwhile, so they may be run again elsewhere.
    /// </summary>
    public async Task ProbeAsync(long pingId, TimeSpan wait, TimeProvider timeProvider)
    {
        if (Interlocked.Exchange(ref _probing, 1) == 1)
        {
            return;
        }

        try
        {
            using var pong = await Send(pingId, $$"""{"t":"ping","id":{{pingId}}}""").WaitAsync(wait, timeProvider);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(pingId, out _);
            Kill(unresponsive: true);
        }
        catch (WorkerLostException)
        {
            // Already gone.
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    public void Kill(bool unresponsive)
    {
        _killedAsUnresponsive |= unresponsive;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Closes stdin so the worker exits on its own; kills it if it does not within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _outbox.Writer.TryComplete();
        if (!await _exited.Task.WaitAsync(grace).ContinueWith(task => task.IsCompletedSuccessfully, TaskScheduler.Default))
        {
            Kill(unresponsive: false);
            await _exited.Task.ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var stdin = _process.StandardInput;
        try
        {
            while (await _outbox.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_outbox.Reader.TryRead(out var line))
                {
                    await stdin.WriteAsync(line).ConfigureAwait(false);
                    await stdin.WriteAsync('\n').ConfigureAwait(false);
                }

                await stdin.FlushAsync().ConfigureAwait(false);
            }

            stdin.Close();
        }
        catch (IOException)
        {
            // The process is gone; the read loop reports it.
        }
    }

    private async Task ReadLoopAsync()
    {
        var stdout = _process.StandardOutput;
        try
        {
            while (await stdout.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0 || line[0] != ReplyMarker)
                {
                    Log.WorkerOutput(_logger, _process.Id, line);
                    continue;
                }

                Dispatch(line);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            Log.WorkerProtocolError(_logger, _process.Id, exception);
            Kill(unresponsive: false);
        }
        finally
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            _dead = true;
            _outbox.Writer.TryComplete();
            var lost = new WorkerLostException(_process.Id, _process.ExitCode, _killedAsUnresponsive);
            foreach (var id in _pending.Keys)
            {
                if (_pending.TryRemove(id, out var waiter))
                {
                    waiter.TrySetException(lost);
                }
            }

            _exited.TrySetResult();
        }
    }

    /// <summary>Hands a reply to whoever waits for its id. A reply that cannot be read fails only its own job.</summary>
    private void Dispatch(string line)
    {
        long? id = null;
        try
        {
            var reply = JsonDocument.Parse(line.AsMemory(1), ReplyOptions);
            id = reply.RootElement.GetProperty("id").GetInt64();
            if (_pending.TryRemove(id.Value, out var waiter))
            {
                waiter.TrySetResult(reply);
                return;
            }

            reply.Dispose();
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            Log.WorkerProtocolError(_logger, _process.Id, exception);
            if (id is { } known && _pending.TryRemove(known, out var waiter))
            {
                waiter.TrySetException(new InvalidDataException($"the worker's reply could not be read: {exception.Message}", exception));
            }
        }
    }

    private async Task ErrorLoopAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                Log.WorkerOutput(_logger, _process.Id, line);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The process is gone.
        }
    }
}

/// <summary>The worker running a job exited before answering.</summary>
/// <param name="replaceable">
/// True when the host killed the worker because another job had stuck its event loop: this job never got to run
/// meanwhile and may be run on another worker. False when the worker crashed on its own.
/// </param>
internal sealed class WorkerLostException(int processId, int? exitCode, bool replaceable)
    : Exception($"the function worker (pid {processId}) exited{(exitCode is { } code ? $" with code {code}" : "")} while the job ran")
{
    public bool Replaceable { get; } = replaceable;
}
