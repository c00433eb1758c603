using MassTransit;
using Orchestrator.Bench.Harness;

namespace Orchestrator.Bench.Roles;

/// <summary>
/// Baseline (a), the raw pipeline limit: a bare MassTransit consumer on the same broker, with the orchestrator's
/// durability (durable queue, persistent messages, publisher confirms) and concurrency, that receives a message of
/// <c>InvokeFunction</c>'s size and publishes one of <c>InvocationCompleted</c>'s size, doing nothing in between.
/// </summary>
internal static class EchoConsumerRole
{
    public const string QueueName = "bench-echo";

    public static async Task RunAsync(string rabbitMq, int concurrency)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(transport =>
        {
            transport.Host(new Uri(rabbitMq), host => host.PublisherConfirmation = true);
            transport.Durable = true;
            transport.ReceiveEndpoint(QueueName, endpoint =>
            {
                endpoint.ConcurrentMessageLimit = concurrency;
                endpoint.Consumer<EchoConsumer>();
            });
        });
        await bus.StartAsync();
        Console.WriteLine("ready");
        await Task.Delay(Timeout.Infinite);
    }

    private sealed class EchoConsumer : IConsumer<EchoRequest>
    {
        public Task Consume(ConsumeContext<EchoRequest> context)
        {
            var now = DateTimeOffset.UtcNow;
            return context.Publish(new EchoReply
            {
                InvocationId = context.Message.InvocationId,
                Function = context.Message.Function,
                Target = context.Message.Target,
                Result = context.Message.Data,
                Attempts = 1,
                CreatedAt = now,
                StartedAt = now,
                FinishedAt = now,
                DurationMs = 0,
            });
        }
    }
}
