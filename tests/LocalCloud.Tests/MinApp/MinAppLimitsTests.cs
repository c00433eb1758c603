using System.Net;
using LocalCloud.Tests.Infrastructure;
using static LocalCloud.Tests.Infrastructure.HttpJson;

namespace LocalCloud.Tests.MinApp;

/// <summary>The app's concurrency limit, made small: one job at a time, short waits for a slot.</summary>
public sealed class MinAppLimitsTests : IAsyncLifetime
{
    private const string Functions = "oserve/v1.3/cloud-function/";
    private LocalCloudHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalCloudHost.StartAsync(options =>
        {
            options.MinApp.ConcurrencyLimit = 1;
            options.MinApp.SyncScheduleWaitMilliseconds = 200;
            options.MinApp.AsyncScheduleWaitMilliseconds = 3_000;
            options.MinApp.AsyncTimeLimitMilliseconds = 1_500;
        });
        _client = await _host.MinAppClientAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task LimitReached_SyncJobScheduleFails_AsyncJobWaitsForTheSlot()
    {
        await _client.PostAsync(Functions + "slow/job/", Json("""{"data": {"ms": 3000}, "sync": false}"""));
        await Task.Delay(100);

        var sync = await (await _client.PostAsync(Functions + "echo/job/", Json("""{"data": {}}"""))).ReadJsonAsync();
        await _client.PostAsync(Functions + "add/job/", Json("""{"data": {"x": 1, "y": 1}, "sync": false}"""));

        sync["code"]!.GetValue<int>().ShouldBe(1);
        sync["error"]!["type"]!.GetValue<string>().ShouldBe("schedule_failed");
        (await LatestAsync("echo"))["status"]!.GetValue<string>().ShouldBe("schedule_failed");
        (await LatestAsync("add"))["status"]!.GetValue<string>().ShouldBe("waiting");
        await WaitUntilAsync(async () => (await LatestAsync("add"))["status"]!.GetValue<string>() == "fulfilled");
        (await LatestAsync("slow"))["status"]!.GetValue<string>().ShouldBe("deadline_exceeded");
    }

    [Fact]
    public async Task Debug_NoSlot_400TaskSchedulingFailed()
    {
        await _client.PostAsync(Functions + "slow/job/", Json("""{"data": {"ms": 3000}, "sync": false}"""));
        await Task.Delay(100);

        var response = await _client.PostAsync(Functions + "echo/debug/", Json("""{"data": {}}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadJsonAsync())["error_msg"]!.GetValue<string>().ShouldContain("scheduling failed");
        await Task.Delay(1_500);
    }

    private async Task<System.Text.Json.Nodes.JsonNode> LatestAsync(string name) =>
        (await (await _client.GetAsync($"{Functions}{name}/job/?limit=1")).ReadJsonAsync())["objects"]![0]!;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 100 && !await condition(); attempt++)
        {
            await Task.Delay(50);
        }

        (await condition()).ShouldBeTrue();
    }
}
