using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Providers;

/// <summary>What a target protects: its circuit breaker, its concurrency limit, and what <c>GET /api/v1/targets</c> shows.</summary>
public sealed class TargetLimitsTests
{
    [Fact]
    public async Task RepeatedFailures_OpenTheCircuit_ShownByTheTargetsApi_WithoutSecrets_AndCallsWhileOpenEndScheduleFailed()
    {
        await using var functions = await FunctionEndpoint.StartAsync();
        await using var host = await OrchestratorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Orchestrator:Targets:fn:Provider"] = "http",
            ["Orchestrator:Targets:fn:Url"] = functions.UrlTemplate,
            ["Orchestrator:Targets:fn:Headers:Authorization"] = "Bearer very-secret-token",
            ["Orchestrator:Targets:fn:BreakerMinimumThroughput"] = "4",
            ["Orchestrator:Targets:fn:BreakerBreakSeconds"] = "30",
            ["Orchestrator:DefaultTarget"] = "fn",
        });

        for (var i = 0; i < 4; i++)
        {
            (await InvokeAsync(host, "status-500", maxAttempts: 1)).GetProperty("status").GetString().ShouldBe("execution_failed");
        }

        var targets = await host.Client.GetStringAsync("/api/v1/targets");
        var target = JsonDocument.Parse(targets).RootElement.GetProperty("objects").EnumerateArray().ShouldHaveSingleItem();
        target.GetProperty("name").GetString().ShouldBe("fn");
        target.GetProperty("circuit").GetString().ShouldBe("open");
        target.GetProperty("failures").GetInt64().ShouldBeGreaterThanOrEqualTo(4);
        target.GetProperty("lastFailure").GetProperty("code").GetString().ShouldBe("500");
        targets.ShouldNotContain("very-secret-token");

        var refused = await InvokeAsync(host, "echo", maxAttempts: 3, timeoutSeconds: 2);
        refused.GetProperty("status").GetString().ShouldBe("schedule_failed");
        refused.GetProperty("error").GetProperty("type").GetString().ShouldBe("circuit_open");
        refused.GetProperty("attempts").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task ConcurrencyLimit_CallsBeyondItWaitHere_InsteadOfBeingRefusedByThePlatform()
    {
        await using var cloud = await LocalCloudServer.StartAsync(options => options.CloudBase.ConcurrencyLimit = 2);
        var settings = new Dictionary<string, string?>(LocalCloudServer.AsSettings("cb", cloud.CloudBase(options => options.MaxConcurrency = 2)))
        {
            ["Orchestrator:DefaultTarget"] = "cb",
        };
        await using var host = await OrchestratorHost.StartAsync(settings);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => InvokeAsync(host, "slow", maxAttempts: 1, data: new { ms = 300 })));

        // Had more than two calls reached the platform at once, it would have answered 429 (EXCEED_CONCURRENT_REQUEST_LIMIT).
        results.ShouldAllBe(result => result.GetProperty("status").GetString() == "fulfilled");
    }

    private static async Task<JsonElement> InvokeAsync(OrchestratorHost host, string function, int maxAttempts, int timeoutSeconds = 30, object? data = null)
    {
        var response = await host.Client.PostAsJsonAsync("/api/v1/invocations?wait=30", new { function, maxAttempts, timeoutSeconds, data = data ?? new { } });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
