using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.Invocations;
using Orchestrator.Messaging;
using Orchestrator.Persistence;
using Orchestrator.Providers;
using Orchestrator.Providers.Http;
using Orchestrator.Samples;

namespace Orchestrator;

public static class OrchestratorHostExtensions
{
    /// <summary>
    /// Everything the orchestrator runs: its store and bus (embedded or distributed, from the connection
    /// strings), the targets, the invocation life cycle and the API.
    /// </summary>
    public static WebApplicationBuilder AddOrchestrator(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddSampleTargetWhenNoneConfigured(builder.Configuration);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddHealthChecks();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonDefaults.Options.PropertyNamingPolicy);

        // Persistence first: its migrations must finish before the bus starts consuming.
        builder.AddOrchestratorPersistence();

        services.AddOptions<OrchestratorOptions>().BindConfiguration(OrchestratorOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OrchestratorOptions>, OrchestratorOptionsValidator>();
        services.AddOptions<InvocationOptions>().BindConfiguration(InvocationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Request URLs may carry credentials (query-string tokens), so the HTTP client's own logging is off.
        services.AddHttpClient(HttpFunctionProviderFactory.HttpClientName).RemoveAllLoggers();
        services.AddSingleton<SelfAddress>();
        services.AddSingleton<IFunctionProviderFactory, HttpFunctionProviderFactory>();
        services.AddSingleton<TargetRegistry>();

        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<InvocationRequestValidator>();
        services.AddSingleton<InvocationCompletionNotifier>();
        services.AddSingleton<InvocationService>();
        services.AddSingleton<BackgroundInvocationRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<BackgroundInvocationRunner>());
        services.AddHostedService<RecoverySweeper>();

        builder.AddOrchestratorMessaging();
        return builder;
    }

    /// <summary>The HTTP API, the health endpoints and, in the embedded default, the sample functions.</summary>
    public static WebApplication MapOrchestrator(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapInvocationsApi();
        if (app.Services.GetRequiredService<IOptions<OrchestratorOptions>>().Value.Targets.TryGetValue(SampleFunctionsApi.TargetName, out var samples)
            && samples.Url == SampleFunctionsApi.Route)
        {
            app.MapSampleFunctions();
        }

        var configuration = app.Configuration;
        app.Lifetime.ApplicationStarted.Register(() => Log.Started(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orchestrator"),
            configuration.UsesRabbitMq() ? "RabbitMQ" : "in-memory",
            configuration.UsesPostgres() ? "PostgreSQL" : "in-memory",
            app.Services.GetRequiredService<InstanceIdentity>().Id));
        return app;
    }

    /// <summary>With no targets configured, the default target is the built-in sample functions.</summary>
    private static void AddSampleTargetWhenNoneConfigured(ConfigurationManager configuration)
    {
        if (configuration.GetSection($"{OrchestratorOptions.SectionName}:Targets").GetChildren().Any())
        {
            return;
        }

        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{OrchestratorOptions.SectionName}:Targets:{SampleFunctionsApi.TargetName}:Provider"] = "http",
            [$"{OrchestratorOptions.SectionName}:Targets:{SampleFunctionsApi.TargetName}:Url"] = SampleFunctionsApi.Route,
            [$"{OrchestratorOptions.SectionName}:DefaultTarget"] = SampleFunctionsApi.TargetName,
        });
    }
}
