using LocalCloud.CloudBase;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Jobs;
using LocalCloud.MinApp;
using LocalCloud.Runtime;
using LocalCloud.WeChat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LocalCloud;

public static class LocalCloudExtensions
{
    /// <summary>
    /// The local cloud's services: the function registry, the Node.js runtime, and the state of each surface.
    /// Settings bind from the <c>LocalCloud</c> section; <paramref name="configure"/> runs after binding.
    /// </summary>
    public static IServiceCollection AddLocalCloud(this IServiceCollection services, Action<LocalCloudOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LocalCloudOptions>().BindConfiguration(LocalCloudOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure(UseDevelopmentCredentialsWhenNone);
        services.AddSingleton<IValidateOptions<LocalCloudOptions>, LocalCloudOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<LocalCloudOptions>>().Value);
        services.AddSingleton<LocalCloudEndpoints>();
        services.AddSingleton<FunctionRegistry>();
        services.AddSingleton<FunctionRuntime>();
        services.AddHostedService(provider => provider.GetRequiredService<FunctionRuntime>());
        services.AddHostedService<LocalCloudStartup>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<ImmediateInvokers>();
        services.AddSingleton<MinAppAuth>();
        services.AddSingleton<MinAppJobs>();
        services.AddSingleton<CloudBaseAuth>();
        services.AddSingleton<WeChatTokens>();
        return services;
    }

    /// <summary>Maps every surface under <paramref name="prefix"/> (empty: at the root, as the platforms have them).</summary>
    /// <param name="faultsApi">Whether <c>/_localcloud/faults</c> is mapped; it has no credentials of its own.</param>
    public static IEndpointRouteBuilder MapLocalCloud(this IEndpointRouteBuilder endpoints, string prefix = "", bool faultsApi = true)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.ServiceProvider.GetRequiredService<LocalCloudEndpoints>().Prefix = prefix;
        var root = prefix.Length == 0 ? endpoints : endpoints.MapGroup(prefix);

        root.MapMinAppAuth();
        var openApi = root.MapGroup("/oserve/v1.3/cloud-function").AddEndpointFilter(RequireMinAppToken);
        openApi.MapMinAppFunctions();
        openApi.MapMinAppJobs();
        root.MapPost("/oserve/v1/cloud-function/job/", (HttpContext context, [AsParameters] MinAppJobsApi.Services services) =>
            MinAppJobsApi.SubmitByBodyAsync(context, services, "open_api")).AddEndpointFilter(RequireMinAppToken);
        root.MapGet(MinAppJobsApi.LogsPath + "/{id:long}.log", (long id, string? key, JobStore store) => MinAppJobsApi.Log(id, key, store));
        root.MapMinAppClient();
        root.MapCloudBase();
        root.MapTcbAdmin();
        root.MapWeChat();
        if (faultsApi)
        {
            root.MapFaults();
        }
        return endpoints;
    }

    private static async ValueTask<object?> RequireMinAppToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        MinAppAuthApi.IsAuthorized(context.HttpContext.Request, context.HttpContext.RequestServices.GetRequiredService<MinAppAuth>())
            ? await next(context)
            : MinAppResults.Unauthorized();

    private static void UseDevelopmentCredentialsWhenNone(LocalCloudOptions options)
    {
        if (options.MinApp.Clients.Count == 0)
        {
            options.MinApp.Clients[MinAppOptions.DevelopmentClientId] = MinAppOptions.DevelopmentClientSecret;
        }

        if (options.CloudBase.ApiKeys.Count == 0)
        {
            options.CloudBase.ApiKeys.Add(CloudBaseOptions.DevelopmentApiKey);
        }

        if (options.CloudBase.Credentials.Count == 0)
        {
            options.CloudBase.Credentials[CloudBaseOptions.DevelopmentSecretId] = CloudBaseOptions.DevelopmentSecretKey;
        }

        if (options.WeChat.Apps.Count == 0)
        {
            options.WeChat.Apps[WeChatOptions.DevelopmentAppId] = WeChatOptions.DevelopmentAppSecret;
        }
    }
}
