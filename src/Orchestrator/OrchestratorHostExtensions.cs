using System.Security.Cryptography;
using LocalCloud;
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
        AddLocalCloudWhenNoTargetConfigured(builder);

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

    /// <summary>The HTTP API, the health endpoints and, in the embedded default, the local cloud.</summary>
    public static WebApplication MapOrchestrator(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapInvocationsApi();
        if (app.Services.GetService<LocalCloudEndpoints>() is not null)
        {
            app.MapLocalCloud(LocalCloudPrefix, faultsApi: false);
        }

        var configuration = app.Configuration;
        app.Lifetime.ApplicationStarted.Register(() => Log.Started(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orchestrator"),
            configuration.UsesRabbitMq() ? "RabbitMQ" : "in-memory",
            configuration.UsesPostgres() ? "PostgreSQL" : "in-memory",
            app.Services.GetRequiredService<InstanceIdentity>().Id));
        return app;
    }

    /// <summary>
    /// With no target configured, the orchestrator hosts the local cloud (its functions run in Node.js) under
    /// <c>/local-cloud</c>, and its default target calls them through the CloudBase HTTP API. Every credential of the
    /// local cloud is made for this process alone, and its fault API is not mapped: whoever reaches the orchestrator
    /// must not be able to create functions (run code) or break the default target.
    /// </summary>
    private static void AddLocalCloudWhenNoTargetConfigured(WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection($"{OrchestratorOptions.SectionName}:Targets").GetChildren().Any())
        {
            return;
        }

        static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var apiKey = Random();
        builder.Services.AddLocalCloud(options =>
        {
            options.CloudBase.ApiKeys = [apiKey];
            options.CloudBase.Credentials = new() { [Random()] = Random() };
            options.MinApp.Clients = new() { [Random()] = Random() };
            options.WeChat.Apps = new() { [Random()] = Random() };
        });
        var target = $"{OrchestratorOptions.SectionName}:Targets:{LocalCloudTarget}";
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{target}:Provider"] = "http",
            [$"{target}:Url"] = LocalCloudPrefix + "/v1/functions/{function}",
            [$"{target}:Headers:Authorization"] = "Bearer " + apiKey,
            [$"{OrchestratorOptions.SectionName}:DefaultTarget"] = LocalCloudTarget,
        });
    }

    /// <summary>The embedded default target's name.</summary>
    public const string LocalCloudTarget = "local-cloud";

    private const string LocalCloudPrefix = "/local-cloud";
}
