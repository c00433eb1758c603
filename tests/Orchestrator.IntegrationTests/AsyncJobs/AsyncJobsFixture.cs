using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Providers;

namespace Orchestrator.IntegrationTests.AsyncJobs;

/// <summary>
/// A local cloud, and what the tests need to start orchestrators in distributed mode against it: each test gets its
/// own PostgreSQL database. The tests run in the distributed collection, whose producer sees every outcome published
/// on RabbitMQ; so no two collections' orchestrators consume the <c>invoke-function</c> queue at once. Requests go
/// through the HTTP API, which reaches exactly the orchestrator meant.
/// </summary>
public sealed class AsyncJobsFixture : IAsyncLifetime
{
    /// <summary>The platform's own limit for asynchronous jobs here; tests' jobs stay well below it unless they mean to pass it.</summary>
    public const int PlatformAsyncLimitMilliseconds = 3_000;

    public LocalCloudServer Cloud { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Cloud = await LocalCloudServer.StartAsync(options => options.MinApp.AsyncTimeLimitMilliseconds = PlatformAsyncLimitMilliseconds);

    public async Task DisposeAsync() => await Cloud.DisposeAsync();

    /// <summary>An orchestrator whose target <c>mini</c> is the local cloud's MinApp surface, polled briskly.</summary>
    public Task<OrchestratorHost> StartOrchestratorAsync(PostgresDatabase database, Action<TargetOptions>? configure = null)
    {
        var target = Cloud.MinApp(options =>
        {
            options.PollMinIntervalMilliseconds = 50;
            options.PollMaxIntervalMilliseconds = 400;
            options.AttemptTimeoutSeconds = 5;
            options.RetryBaseDelayMilliseconds = 10;
            configure?.Invoke(options);
        });
        var settings = new Dictionary<string, string?>(LocalCloudServer.AsSettings("mini", target))
        {
            ["ConnectionStrings:RabbitMq"] = TestServers.RabbitMq,
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["Orchestrator:DefaultTarget"] = "mini",
            ["Orchestrator:Invocations:RecoveryIntervalSeconds"] = "0.2",
        };
        return OrchestratorHost.StartAsync(settings);
    }

    /// <summary>Posts an asynchronous invocation of <c>tagged</c> and returns its id.</summary>
    public static async Task<Guid> PostAsync(OrchestratorHost host, object data, int timeoutSeconds = 60, int maxAttempts = 5)
    {
        var id = Guid.NewGuid();
        var response = await host.Client.PostAsJsonAsync(
            "/api/v1/invocations", new { invocationId = id, function = "tagged", data, timeoutSeconds, maxAttempts });
        response.EnsureSuccessStatusCode();
        return id;
    }

    public static async Task<JsonElement> GetAsync(OrchestratorHost host, Guid id) =>
        await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/invocations/{id}");
}
