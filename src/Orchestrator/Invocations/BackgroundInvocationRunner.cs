using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestrator.Invocations;

/// <summary>
/// Finishes invocations that no message consumer holds (accepted over HTTP, or recovered from a dead instance)
/// with bounded concurrency. What it has not finished when the host stops keeps its lease, which expires, so
/// another instance (or this one after a restart) takes it over.
/// </summary>
public sealed class BackgroundInvocationRunner(
    InvocationService invocations,
    IBus bus,
    IOptions<InvocationOptions> options,
    ILogger<BackgroundInvocationRunner> logger) : BackgroundService
{
    private readonly Channel<Invocation> _queue = Channel.CreateUnbounded<Invocation>(new() { SingleReader = false });
    private int _pending;

    /// <summary>How many invocations are queued or running here.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>How many more the runner can start at once.</summary>
    public int FreeSlots => Math.Max(0, options.Value.BackgroundConcurrency - Pending);

    /// <summary>Queues an invocation whose lease this instance holds.</summary>
    public void Enqueue(Invocation owned)
    {
        Interlocked.Increment(ref _pending);
        _queue.Writer.TryWrite(owned);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            _queue.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.BackgroundConcurrency, CancellationToken = stoppingToken },
            async (invocation, cancellationToken) =>
            {
                try
                {
                    await invocations.FinishAsync(invocation, bus, cancellationToken);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.BackgroundInvocationFailed(logger, exception, invocation.Id);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            });
}
