using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Harness;

/// <summary>
/// The producer: publishes messages to RabbitMQ through MassTransit with publisher confirms and persistent delivery,
/// and receives the replies (<see cref="InvocationCompleted"/>, or baseline (a)'s <see cref="EchoReply"/>), timing each
/// from its publish to its reply.
/// </summary>
internal sealed class Producer : IAsyncDisposable
{
    // Publishes awaiting their confirm at once: enough to keep the broker busy, few enough to bound the producer's memory.
    private const int MaxOutstanding = 500;

    private readonly IBusControl bus;
    private Tracker? tracker;

    private Producer(Func<Producer, IBusControl> createBus) => bus = createBus(this);

    public static async Task<Producer> StartAsync(string rabbitMq)
    {
        var producer = new Producer(self => Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host(new Uri(rabbitMq), host => host.PublisherConfirmation = true);
            transport.Durable = true;
            transport.ReceiveEndpoint("bench-completions", endpoint =>
            {
                endpoint.PurgeOnStartup = true;
                endpoint.PrefetchCount = 512;
                endpoint.Handler<InvocationCompleted>(context =>
                {
                    self.tracker?.Received(context.Message.InvocationId, context.Message.Status == InvocationStatus.Fulfilled);
                    return Task.CompletedTask;
                });
            });
            transport.ReceiveEndpoint("bench-echo-replies", endpoint =>
            {
                endpoint.PurgeOnStartup = true;
                endpoint.PrefetchCount = 512;
                endpoint.Handler<EchoReply>(context =>
                {
                    self.tracker?.Received(context.Message.InvocationId, fulfilled: true);
                    return Task.CompletedTask;
                });
            });
        }));
        await producer.bus.StartAsync();
        return producer;
    }

    /// <summary>
    /// Publishes <paramref name="count"/> messages and waits for every reply. With <paramref name="perSecond"/> they are
    /// published at that steady rate and each is timed from when it was due (so a producer that falls behind shows
    /// as latency); without it as fast as confirms allow.
    /// </summary>
    public async Task<RoundTrips> RunAsync<T>(int count, Func<Guid, int, T> message, double? perSecond, TimeSpan timeout)
        where T : class
    {
        var ids = new Guid[count];
        var messages = new T[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = Guid.NewGuid();
            messages[i] = message(ids[i], i);
        }

        var run = tracker = new Tracker(ids);
        var start = await PublishAllAsync(count, i => messages[i], perSecond, run.Sent);
        var published = Stopwatch.GetElapsedTime(start);
        var finished = await Task.WhenAny(run.Done, Task.Delay(timeout)) == run.Done;
        tracker = null;
        return run.Result(start, published, finished);
    }

    /// <summary>Publishes <paramref name="count"/> messages as fast as confirms allow, expecting no reply; answers how long that took in seconds.</summary>
    public async Task<double> PublishOnlyAsync<T>(int count, Func<Guid, int, T> message)
        where T : class
    {
        var start = await PublishAllAsync(count, i => message(Guid.NewGuid(), i), null, null);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// Publishes <paramref name="count"/> messages, pipelined (up to <see cref="MaxOutstanding"/> awaiting their confirm),
    /// at a steady rate when <paramref name="perSecond"/> is given; <paramref name="sent"/> learns when each went out (at
    /// a steady rate: when it was due). Returns once every publish is confirmed, with the timestamp it started at.
    /// </summary>
    private async Task<long> PublishAllAsync<T>(int count, Func<int, T> message, double? perSecond, Action<int, long>? sent)
        where T : class
    {
        var errors = new ConcurrentQueue<Exception>();
        using var outstanding = new SemaphoreSlim(MaxOutstanding);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var sentAt = Stopwatch.GetTimestamp();
            if (perSecond is { } rate)
            {
                sentAt = start + (long)(i * Stopwatch.Frequency / rate);
                if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), sentAt) is { TotalMilliseconds: >= 1 } wait)
                {
                    await Task.Delay(wait);
                }
            }

            await outstanding.WaitAsync();
            sent?.Invoke(i, sentAt);
            _ = PublishAsync(message(i), outstanding, errors);
        }

        await DrainAsync(outstanding);
        return errors.IsEmpty ? start : throw new AggregateException("Some publishes failed.", errors);
    }

    private static async Task DrainAsync(SemaphoreSlim outstanding)
    {
        for (var i = 0; i < MaxOutstanding; i++)
        {
            await outstanding.WaitAsync();
        }
    }

    private async Task PublishAsync<T>(T message, SemaphoreSlim outstanding, ConcurrentQueue<Exception> errors)
        where T : class
    {
        try
        {
            await bus.Publish(message);
        }
        catch (Exception exception)
        {
            errors.Enqueue(exception);
        }
        finally
        {
            outstanding.Release();
        }
    }

    public async ValueTask DisposeAsync() => await bus.StopAsync();

    /// <summary>Send and reply times of one run's messages, by their place in the run.</summary>
    private sealed class Tracker(Guid[] ids)
    {
        private readonly Dictionary<Guid, int> index = ids.Select((id, i) => (id, i)).ToDictionary(pair => pair.id, pair => pair.i);
        private readonly long[] sent = new long[ids.Length];
        private readonly long[] received = new long[ids.Length];
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int count;
        private int failed;

        public Task Done => done.Task;

        public void Sent(int i, long timestamp) => sent[i] = timestamp;

        public void Received(Guid id, bool fulfilled)
        {
            var now = Stopwatch.GetTimestamp();

            // A reply of an earlier run, or a repeat of one already counted.
            if (!index.TryGetValue(id, out var i) || Interlocked.CompareExchange(ref received[i], now, 0) != 0)
            {
                return;
            }

            if (!fulfilled)
            {
                Interlocked.Increment(ref failed);
            }

            if (Interlocked.Increment(ref count) == ids.Length)
            {
                done.TrySetResult();
            }
        }

        public RoundTrips Result(long start, TimeSpan published, bool finished)
        {
            var latencies = new List<double>(ids.Length);
            var last = start;
            for (var i = 0; i < ids.Length; i++)
            {
                var at = Volatile.Read(ref received[i]);
                if (at != 0)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent[i], at).TotalMilliseconds);
                    last = Math.Max(last, at);
                }
            }

            var seconds = Stopwatch.GetElapsedTime(start, last).TotalSeconds;
            return new RoundTrips(ids.Length, latencies.Count, Volatile.Read(ref failed), finished, published.TotalSeconds, seconds,
                latencies.Count / Math.Max(seconds, 1e-9), Latency.Of(latencies));
        }
    }
}

/// <summary>One run: messages sent and replied to, how long it took from the first publish to the last reply, and each one's latency.</summary>
internal sealed record RoundTrips(
    int Sent, int Received, int NotFulfilled, bool Finished, double PublishSeconds, double Seconds, double PerSecond, Latency Latency);
