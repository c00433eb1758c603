using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.Invocations;

/// <summary>Takes <see cref="InvokeFunction"/> from the bus; the message is acknowledged once its outcome is durable and published.</summary>
public sealed class InvokeFunctionConsumer(InvocationService invocations) : IConsumer<InvokeFunction>
{
    public async Task Consume(ConsumeContext<InvokeFunction> context)
    {
        // The message id scopes the lease, so a retry of this message takes back the lease its first try took.
        var finished = await invocations.SubmitAsync(
            context.Message, context.MessageId?.ToString("N"), context, context.CancellationToken);
        if (finished is not null && context.ResponseAddress is not null)
        {
            await context.RespondAsync(finished.ToCompleted());
        }
    }
}
