using System.Collections.Concurrent;
using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A separate MassTransit bus on the real broker, as a producer service would run one: it publishes requests and
/// collects every <see cref="InvocationCompleted"/> on a queue of its own.
/// </summary>
public sealed class Producer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<InvocationCompleted>> _completions = new();
    private readonly ConcurrentDictionary<Guid, int> _counts = new();

    private Producer(IBusControl bus) => Bus = bus;

    public IBusControl Bus { get; private set; }

    public static async Task<Producer> StartAsync(string rabbitMq)
    {
        Producer? producer = null;
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host(new Uri(rabbitMq));
            transport.ReceiveEndpoint($"test-producer-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.Handler<InvocationCompleted>(context =>
                {
                    producer!.Record(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        producer = new Producer(bus);
        await bus.StartAsync();
        return producer;
    }

    /// <summary>The first <see cref="InvocationCompleted"/> for the invocation, waiting up to 30 seconds for it.</summary>
    public Task<InvocationCompleted> CompletionOf(Guid invocationId) =>
        Slot(invocationId).Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>How many <see cref="InvocationCompleted"/> arrived for the invocation so far.</summary>
    public int CompletionCount(Guid invocationId) => _counts.GetValueOrDefault(invocationId);

    public async ValueTask DisposeAsync() => await Bus.StopAsync();

    private void Record(InvocationCompleted completed)
    {
        _counts.AddOrUpdate(completed.InvocationId, 1, (_, count) => count + 1);
        Slot(completed.InvocationId).TrySetResult(completed);
    }

    private TaskCompletionSource<InvocationCompleted> Slot(Guid invocationId) =>
        _completions.GetOrAdd(invocationId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}
