using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Invocations;

namespace Orchestrator.Messaging;

public static class MessagingServiceCollectionExtensions
{
    public const string RabbitMqConnectionName = "RabbitMq";

    /// <summary>
    /// The bus: RabbitMQ when <c>ConnectionStrings:RabbitMq</c> is set (durable queues, publisher confirms), else
    /// MassTransit's in-memory transport. Both take the MassTransit envelope and plain JSON.
    /// </summary>
    public static IHostApplicationBuilder AddOrchestratorMessaging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MessagingOptions>()
            .BindConfiguration(MessagingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The host is ready only once the bus is connected and its queues are bound.
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);

        var rabbitMq = builder.Configuration.GetConnectionString(RabbitMqConnectionName);
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddConsumer<InvokeFunctionConsumer, InvokeFunctionConsumerDefinition>();
            if (string.IsNullOrWhiteSpace(rabbitMq))
            {
                bus.UsingInMemory((context, transport) =>
                {
                    transport.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
                    transport.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingRabbitMq((context, transport) =>
                {
                    transport.Host(new Uri(rabbitMq), host => host.PublisherConfirmation = true);
                    transport.Durable = true;
                    transport.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
                    transport.ConfigureEndpoints(context);
                });
            }
        });
        return builder;
    }

    public static bool UsesRabbitMq(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(RabbitMqConnectionName));
}
