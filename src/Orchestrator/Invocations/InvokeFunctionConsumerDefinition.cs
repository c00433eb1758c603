using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.Messaging;

namespace Orchestrator.Invocations;

/// <summary>
/// The <c>invoke-function</c> queue. Provider failures are retried inside the target's pipeline, so the endpoint
/// retries only a database that was briefly unavailable; anything else faults to <c>invoke-function_error</c>.
/// </summary>
public sealed class InvokeFunctionConsumerDefinition : ConsumerDefinition<InvokeFunctionConsumer>
{
    public const string QueueName = "invoke-function";

    public InvokeFunctionConsumerDefinition(IOptions<MessagingOptions> options)
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = options.Value.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<InvokeFunctionConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Handle<NpgsqlException>(exception => exception.IsTransient);
            retry.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
        });
    }
}
