using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.Invocations;

/// <summary>Takes <see cref="InvokeFunction"/> from the bus; the message is acknowledged once its outcome is durable and published.</summary>
public sealed class InvokeFunctionConsumer(InvocationService invocations) : IConsumer<InvokeFunction>
{
    public async Task Consume(ConsumeContext<InvokeFunction> context)
    {
        var finished = await invocations.SubmitAsync(context.Message, context, context.CancellationToken);
        if (finished is not null && context.ResponseAddress is not null)
        {
            await context.RespondAsync(finished.ToCompleted());
        }
    }
}
