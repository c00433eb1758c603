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
using Orchestrator.AsyncJobs;
using Orchestrator.Invocations;
using Orchestrator.Messaging;
using Orchestrator.Persistence;
using Orchestrator.Providers;
using Orchestrator.Providers.CloudBase;
using Orchestrator.Providers.Http;
using Orchestrator.Providers.MinApp;
using Orchestrator.Providers.WeChat;

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

        // Providers build their own HTTP clients without logging handlers: request URLs may carry credentials (WeChat's token).
        services.AddSingleton<SelfAddress>();
        services.AddSingleton<IFunctionProviderFactory, HttpFunctionProviderFactory>();
        services.AddSingleton<IFunctionProviderFactory, MinAppProviderFactory>();
        services.AddSingleton<IFunctionProviderFactory, CloudBaseProviderFactory>();
        services.AddSingleton<IFunctionProviderFactory, WeChatProviderFactory>();
        services.AddSingleton<TargetRegistry>();

        services.AddSingleton<InstanceIdentity>();
        services.AddSingleton<InvocationRequestValidator>();
        services.AddSingleton<InvocationCompletionNotifier>();
        services.AddSingleton<InvocationService>();
        services.AddSingleton<BackgroundInvocationRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<BackgroundInvocationRunner>());
        services.AddHostedService<RecoverySweeper>();
        services.AddSingleton<JobPollers>();
        services.AddHostedService(provider => provider.GetRequiredService<JobPollers>());

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
        app.MapTargetsApi();
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
    /// <c>/local-cloud</c>, with one target per platform surface: <c>local-cloud</c> (the default, CloudBase's API),
    /// <c>local-minapp</c> (MinApp's, asynchronous jobs) and <c>local-wechat</c>. Every credential of the local cloud is
    /// made for this process alone, and its fault API is not mapped: whoever reaches the orchestrator must not be able
    /// to create functions (run code) or break the targets.
    /// </summary>
    private static void AddLocalCloudWhenNoTargetConfigured(WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection($"{OrchestratorOptions.SectionName}:Targets").GetChildren().Any())
        {
            return;
        }

        static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var (apiKey, clientId, clientSecret, appId, appSecret) = (Random(), Random(), Random(), Random(), Random());
        builder.Services.AddLocalCloud(options =>
        {
            options.CloudBase.ApiKeys = [apiKey];
            options.CloudBase.Credentials = new() { [Random()] = Random() };
            options.MinApp.Clients = new() { [clientId] = clientSecret };
            options.WeChat.Apps = new() { [appId] = appSecret };
        });
        const string Targets = $"{OrchestratorOptions.SectionName}:Targets";
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{Targets}:{LocalCloudTarget}:Provider"] = "cloudbase",
            [$"{Targets}:{LocalCloudTarget}:BaseUrl"] = LocalCloudPrefix,
            [$"{Targets}:{LocalCloudTarget}:ApiKey"] = apiKey,
            [$"{Targets}:local-minapp:Provider"] = "minapp",
            [$"{Targets}:local-minapp:BaseUrl"] = LocalCloudPrefix,
            [$"{Targets}:local-minapp:ClientId"] = clientId,
            [$"{Targets}:local-minapp:ClientSecret"] = clientSecret,
            [$"{Targets}:local-wechat:Provider"] = "wechat",
            [$"{Targets}:local-wechat:BaseUrl"] = LocalCloudPrefix,
            [$"{Targets}:local-wechat:AppId"] = appId,
            [$"{Targets}:local-wechat:AppSecret"] = appSecret,
            [$"{Targets}:local-wechat:Environment"] = "local",
            [$"{OrchestratorOptions.SectionName}:DefaultTarget"] = LocalCloudTarget,
        });
    }

    /// <summary>The embedded default target's name.</summary>
    public const string LocalCloudTarget = "local-cloud";

    private const string LocalCloudPrefix = "/local-cloud";
}
