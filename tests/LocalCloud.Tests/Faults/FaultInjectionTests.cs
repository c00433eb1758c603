using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using LocalCloud.Faults;
using LocalCloud.Tests.Infrastructure;
using static LocalCloud.Tests.Infrastructure.HttpJson;

namespace LocalCloud.Tests.Faults;

public sealed class FaultInjectionTests : IAsyncLifetime
{
    private LocalCloudHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalCloudHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ConfiguredRule_AppliesFromTheStart()
    {
        await using var host = await LocalCloudHost.StartAsync(options =>
            options.Faults.Add(new FaultRule { Surface = "cloudbase", Function = "echo", ServerErrorRate = 1 }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/functions/echo") { Content = Json("{}") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "local-api-key");

        var response = await host.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await response.ReadJsonAsync())["code"]!.GetValue<string>().ShouldBe("SYS_ERR");
    }

    [Fact]
    public async Task Rules_ApplyPerSurfaceAndFunction()
    {
        await SetAsync(new FaultRule { Surface = "cloudbase", Function = "add", TooManyRequestsRate = 1 });

        (await CloudBaseAsync("add")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await CloudBaseAsync("echo")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await _host.Client.PostAsync("v1/functions/add", Json("{}"))).ReadJsonAsync())["code"]!.GetValue<string>().ShouldBe("MISSING_CREDENTIALS");
    }

    [Fact]
    public async Task Busy_IsThePlatformsOwnSignal()
    {
        await SetAsync(new FaultRule { BusyRate = 1 });
        var token = (await (await _host.Client.GetAsync("cgi-bin/token?grant_type=client_credential&appid=wxlocalapp&secret=local-app-secret")).ReadJsonAsync())["access_token"]!;

        (await (await _host.Client.PostAsync($"tcb/invokecloudfunction?access_token={token}&env=e&name=echo", Json("{}"))).ReadJsonAsync())["errcode"]!.GetValue<int>().ShouldBe(-1);
        (await (await CloudBaseAsync("echo")).ReadJsonAsync())["code"]!.GetValue<string>().ShouldBe("EXCEED_CONCURRENT_REQUEST_LIMIT");
        using var minApp = await _host.MinAppClientAsync();
        (await minApp.PostAsync("oserve/v1.3/cloud-function/echo/job/", Json("{}"))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Drop_ClosesTheConnectionWithoutAnAnswer()
    {
        await SetAsync(new FaultRule { Surface = "cloudbase", DropRate = 1 });

        await Should.ThrowAsync<HttpRequestException>(() => CloudBaseAsync("echo"));
    }

    [Fact]
    public async Task Latency_DelaysEveryMatchingCall()
    {
        await SetAsync(new FaultRule { Function = "echo", LatencyMilliseconds = 300 });
        var stopwatch = Stopwatch.StartNew();

        (await CloudBaseAsync("echo")).StatusCode.ShouldBe(HttpStatusCode.OK);

        stopwatch.ElapsedMilliseconds.ShouldBeGreaterThanOrEqualTo(290);
    }

    [Fact]
    public async Task SharedRate_SplitsCallsRoughlyByIt()
    {
        await SetAsync(new FaultRule { Surface = "cloudbase", Function = "echo", ServerErrorRate = 0.5 });

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ => (await CloudBaseAsync("echo")).StatusCode));

        statuses.Count(status => status == HttpStatusCode.InternalServerError).ShouldBeInRange(60, 140);
    }

    [Fact]
    public async Task InvalidRule_400NamingIt()
    {
        var response = await _host.Client.PutAsync("_localcloud/faults", Json("""[{"surface": "mars"}, {"serverErrorRate": 2}]"""));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.ReadJsonAsync())["errors"]!;
        errors["[0]"]![0]!.GetValue<string>().ShouldContain("mars");
        errors["[1]"].ShouldNotBeNull();
    }

    private async Task SetAsync(FaultRule rule) =>
        (await _host.Client.PutAsync("_localcloud/faults", Json(new[] { rule }))).EnsureSuccessStatusCode();

    private Task<HttpResponseMessage> CloudBaseAsync(string name)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"v1/functions/{name}") { Content = Json("{}") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "local-api-key");
        return _host.Client.SendAsync(request);
    }
}
