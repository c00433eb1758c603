using System.Text.Json;
using LocalCloud;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Jobs;
using LocalCloud.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.Providers;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A real local cloud on a loopback port (real Node.js workers, the samples plus <c>Functions/tagged.js</c>), with known
/// credentials, a clock the test can move forward, and its fault API; and target settings for each of its surfaces.
/// </summary>
public sealed class LocalCloudServer : IAsyncDisposable
{
    public const string ClientId = "it-client";
    public const string ClientSecret = "it-client-secret";
    public const string ApiKey = "it-api-key";
    public const string SecretId = "AKIDit";
    public const string SecretKey = "it-secret-key";
    public const string AppId = "wxit";
    public const string AppSecret = "it-app-secret";

    private readonly WebApplication _app;

    private LocalCloudServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ShiftableClock Clock => (ShiftableClock)_app.Services.GetRequiredService<TimeProvider>();

    public FaultInjector Faults => _app.Services.GetRequiredService<FaultInjector>();

    public static async Task<LocalCloudServer> StartAsync(Action<LocalCloudOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new ShiftableClock());
        builder.Services.AddLocalCloud(options =>
        {
            options.FunctionsPath = Path.Combine(AppContext.BaseDirectory, "Functions");
            options.MinApp.Clients = new() { [ClientId] = ClientSecret };
            options.CloudBase.ApiKeys = [ApiKey];
            options.CloudBase.Credentials = new() { [SecretId] = SecretKey };
            options.WeChat.Apps = new() { [AppId] = AppSecret };
            configure?.Invoke(options);
        });
        var app = builder.Build();
        app.MapLocalCloud("");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalCloudServer(app, new Uri(address));
    }

    public TargetOptions MinApp(Action<TargetOptions>? configure = null) =>
        Configure(new() { Provider = "minapp", BaseUrl = BaseAddress.ToString(), ClientId = ClientId, ClientSecret = ClientSecret }, configure);

    public TargetOptions CloudBase(Action<TargetOptions>? configure = null) =>
        Configure(new() { Provider = "cloudbase", BaseUrl = BaseAddress.ToString(), ApiKey = ApiKey }, configure);

    public TargetOptions WeChat(Action<TargetOptions>? configure = null) =>
        Configure(new() { Provider = "wechat", BaseUrl = BaseAddress.ToString(), AppId = AppId, AppSecret = AppSecret, Environment = "it-env" }, configure);

    /// <summary>The same target as configuration keys under <c>Orchestrator:Targets:&lt;name&gt;</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AsSettings(string name, TargetOptions options)
    {
        var prefix = $"Orchestrator:Targets:{name}:";
        foreach (var property in typeof(TargetOptions).GetProperties())
        {
            var value = property.GetValue(options);
            if (value is not null and not System.Collections.IDictionary)
            {
                yield return new(prefix + property.Name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Every job of <paramref name="function"/> with its log: which invocation each ran for.</summary>
    public IReadOnlyDictionary<string, string> JobLogs(string function)
    {
        var registry = _app.Services.GetRequiredService<FunctionRegistry>();
        var store = _app.Services.GetRequiredService<JobStore>();
        var functionId = registry.Find(function)!.Id;
        var logs = new Dictionary<string, string>();
        for (var offset = 0; ; offset += 1000)
        {
            var (_, page) = store.Query(functionId, new JobQuery(Limit: 1000, Offset: offset));
            foreach (var job in page)
            {
                logs[job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = store.FindLog(job.Id, job.LogKey) ?? "";
            }

            if (page.Count < 1000)
            {
                return logs;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static TargetOptions Configure(TargetOptions options, Action<TargetOptions>? configure)
    {
        configure?.Invoke(options);
        return options;
    }
}

/// <summary>Invocations as the store would hold them, for calling providers directly.</summary>
public static class TestInvocations
{
    public static Invocation Create(string function, object? data = null, InvocationMode mode = InvocationMode.Sync) => new()
    {
        Id = Guid.NewGuid(),
        Function = function,
        Target = "t",
        Data = JsonSerializer.SerializeToElement(data ?? new { }),
        Mode = mode,
        TimeoutSeconds = 60,
        MaxAttempts = 3,
        Status = InvocationStatus.Queued,
        CreatedAt = DateTimeOffset.UtcNow,
    };
}
