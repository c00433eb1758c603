using System.Net;
using System.Text.Json.Nodes;
using LocalCloud.MinApp;
using LocalCloud.Tests.Infrastructure;
using static LocalCloud.Tests.Infrastructure.HttpJson;

namespace LocalCloud.Tests.MinApp;

public sealed class MinAppJobsTests : IAsyncLifetime
{
    private const string Functions = "oserve/v1.3/cloud-function/";
    private LocalCloudHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalCloudHost.StartAsync(options => options.MinApp.SyncTimeLimitMilliseconds = 500);
        _client = await _host.MinAppClientAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Sync_Success_CodeZeroDataAndEmptyError()
    {
        var job = await (await _client.PostAsync(Functions + "add/job/", Json(new { data = new { x = 2, y = 3 } }))).ReadJsonAsync();

        job.ToJsonString().ShouldBe("""{"code":0,"data":5,"error":{}}""");
    }

    [Fact]
    public async Task Sync_FunctionFails_CodeOneWithMessageAndType()
    {
        var job = await (await _client.PostAsync(Functions + "fail/job/", Json("""{"data": {}, "sync": true}"""))).ReadJsonAsync();

        job["code"]!.GetValue<int>().ShouldBe(1);
        job["data"].ShouldBeNull();
        job["error"]!["message"]!.GetValue<string>().ShouldBe("the sample function 'fail' always fails");
        job["error"]!["type"]!.GetValue<string>().ShouldBe("Error");
    }

    [Fact]
    public async Task Sync_PastTheSyncLimit_DeadlineExceeded()
    {
        var name = await CreateAsync("exports.main = async () => new Promise(() => {})");

        var job = await (await _client.PostAsync($"{Functions}{name}/job/", Json("""{"data": {}}"""))).ReadJsonAsync();

        job["code"]!.GetValue<int>().ShouldBe(1);
        job["error"]!["type"]!.GetValue<string>().ShouldBe("deadline_exceeded");
        (await JobsAsync(name))[0]!["status"]!.GetValue<string>().ShouldBe("deadline_exceeded");
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"data": [1]}""")]
    [InlineData("""{"data": {}, "sync": "yes"}""")]
    public async Task Submit_BadBody_400(string body) =>
        (await _client.PostAsync(Functions + "echo/job/", Json(body))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

    [Fact]
    public async Task Submit_UnknownFunction_404()
    {
        (await _client.PostAsync(Functions + "nothing_here/job/", Json("{}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _client.GetAsync(Functions + "nothing_here/job/")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Async_AnswersOnlyStatusOk_AndTheJobListFollowsItToFulfilled()
    {
        var name = await CreateAsync("exports.main = async (event) => { console.log('got', event.data.n); await new Promise(r => setTimeout(r, 200)); return 1 }");

        var response = await _client.PostAsync($"{Functions}{name}/job/", Json("""{"data": {"n": 7}, "sync": false}"""));

        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"status":"ok"}""");
        var running = (await JobsAsync(name))[0]!;
        running["status"]!.GetValue<string>().ShouldBeOneOf("waiting", "executing");
        running["finished_at"].ShouldBeNull();
        var done = await WaitForAsync(name, job => job["status"]!.GetValue<string>() == "fulfilled");
        done["id"]!.GetValue<long>().ShouldBe(running["id"]!.GetValue<long>());
        done["service_type"]!.GetValue<string>().ShouldBe("batch");
        done["source"]!.GetValue<string>().ShouldBe("open_api");
        done["mem_usage"]!.GetValue<long>().ShouldBeGreaterThan(1_000_000);
        var (created, started, finished) = (done["created_at"]!.GetValue<double>(), done["started_at"]!.GetValue<double>(), done["finished_at"]!.GetValue<double>());
        created.ShouldBeLessThanOrEqualTo(started);
        (finished - started).ShouldBeGreaterThanOrEqualTo(0.19);
        var log = await _client.GetStringAsync(done["user_log_url"]!.GetValue<string>());
        log.ShouldContain("LOG got 7");
        (await _client.GetAsync(done["user_log_url"]!.GetValue<string>().Replace("key=", "key=0", StringComparison.Ordinal))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Async_Event_CarriesTheJobAndItsLimits()
    {
        var name = await CreateAsync("exports.main = async (event) => { console.log(JSON.stringify(event)); return 1 }");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Functions}{name}/job/") { Content = Json("""{"data": {"k": "v"}, "sync": false}""") };
        request.Headers.Add("X-Hydrogen-Env-ID", "test-env");
        await _client.SendAsync(request);

        var job = await WaitForAsync(name, candidate => candidate["status"]!.GetValue<string>() == "fulfilled");
        var log = await _client.GetStringAsync(job["user_log_url"]!.GetValue<string>());
        var @event = JsonNode.Parse(log[log.IndexOf('{')..])!;

        @event["data"]!["k"]!.GetValue<string>().ShouldBe("v");
        @event["eventType"]!.GetValue<string>().ShouldBe("open_api");
        @event["jobId"]!.GetValue<long>().ShouldBe(job["id"]!.GetValue<long>());
        @event["timeLimitInMS"]!.GetValue<int>().ShouldBe(300_000);
        @event["memoryLimitInMB"]!.GetValue<int>().ShouldBe(128);
        @event["env"]!["id"]!.GetValue<string>().ShouldBe("test-env");
    }

    [Fact]
    public async Task JobList_FiltersAndPages()
    {
        var name = await CreateAsync("exports.main = async (event) => { if (event.data.fail) throw new Error('no'); return 1 }");
        for (var index = 0; index < 5; index++)
        {
            await _client.PostAsync($"{Functions}{name}/job/", Json(new { data = new { fail = index % 2 == 0 } }));
        }

        await _client.PostAsync($"{Functions}{name}/job/", Json(new { data = new { }, sync = false }));
        await WaitForAsync(name, job => job["status"]!.GetValue<string>() == "fulfilled" && job["service_type"]!.GetValue<string>() == "batch");

        (await CountAsync(name, "")).ShouldBe(6);
        (await CountAsync(name, "status=execution_failed")).ShouldBe(3);
        (await CountAsync(name, "status=fulfilled&service_type=time_sensitive")).ShouldBe(2);
        (await CountAsync(name, "service_type=batch")).ShouldBe(1);
        (await CountAsync(name, "source=sdk")).ShouldBe(0);
        (await CountAsync(name, "created_at__gte=4000000000")).ShouldBe(0);
        (await CountAsync(name, "created_at__lte=4000000000&created_at__gte=1000000000")).ShouldBe(6);

        var page = await (await _client.GetAsync($"{Functions}{name}/job/?limit=4&offset=2&status=execution_failed")).ReadJsonAsync();
        page["objects"]!.AsArray().Count.ShouldBe(1);
        page["meta"]!["next"].ShouldBeNull();
        page["meta"]!["previous"]!.GetValue<string>().ShouldBe($"/{Functions}{name}/job/?status=execution_failed&limit=4&offset=0");
        var ids = (await JobsAsync(name)).Select(job => job!["id"]!.GetValue<long>()).ToList();
        ids.ShouldBe(ids.OrderDescending().ToList());
    }

    [Theory]
    [InlineData("status=done")]
    [InlineData("source=anywhere")]
    [InlineData("service_type=fast")]
    [InlineData("created_at__gte=yesterday")]
    [InlineData("created_at__lte=NaN")]
    [InlineData("limit=-1")]
    [InlineData("limit=100000")]
    [InlineData("offset=x")]
    public async Task JobList_BadFilter_400NamingIt(string query)
    {
        var response = await _client.GetAsync($"{Functions}echo/job/?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadJsonAsync())["error_msg"]!.GetValue<string>().ShouldContain(query.Split('=')[0]);
    }

    [Fact]
    public async Task Debug_AnswersTheDebugShape()
    {
        var response = await (await _client.PostAsync(Functions + "add/debug/", Json(new { data = new { x = 1, y = 2 } }))).ReadJsonAsync();

        response["code"]!.GetValue<int>().ShouldBe(0);
        response["data"]!.GetValue<int>().ShouldBe(3);
        response["error"]!.AsObject().Count.ShouldBe(0);
        response["billing_time"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(100);
        response["execution_time"]!.GetValue<double>().ShouldBeGreaterThanOrEqualTo(0);
        response["job_id"]!.GetValue<string>().Length.ShouldBe(32);
        response["log"]!.GetValue<string>().ShouldContain("LOG adding 1 2");
        response["mem_usage"]!.GetValue<long>().ShouldBeGreaterThan(1_000_000);
    }

    [Fact]
    public async Task Debug_Error_CarriesMessageStackAndType()
    {
        var name = await CreateAsync("exports.main = function (event, callback) {\n  callback(null, \"hello world\")  fot debug\n}");

        var response = await (await _client.PostAsync($"{Functions}{name}/debug/", Json("""{"data": {}}"""))).ReadJsonAsync();

        response["code"]!.GetValue<int>().ShouldBe(1);
        response["error"]!["type"]!.GetValue<string>().ShouldBe("SyntaxError");
        response["error"]!["stack"]!.GetValue<string>().ShouldContain("fot debug");
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"data": {}, "subject": "email"}""")]
    [InlineData("""{"data": {}, "subject": "flex_schema"}""")]
    public async Task Debug_BadInput_400(string body) =>
        (await _client.PostAsync(Functions + "echo/debug/", Json(body))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

    [Fact]
    public async Task OlderRoute_FunctionNameInTheBody()
    {
        var job = await (await _client.PostAsync("oserve/v1/cloud-function/job/", Json(new { function_name = "add", data = new { x = 1, y = 1 } }))).ReadJsonAsync();

        job["data"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task ClientSdkRoute_AnonymousLoginThenInvoke()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Hydrogen-Client-ID", MinAppOptions.DevelopmentClientId);
        var login = await client.PostAsync("hserve/v2.0/login/anonymous/", Json("{}"));
        login.StatusCode.ShouldBe(HttpStatusCode.Created);
        var user = await login.ReadJsonAsync();
        client.DefaultRequestHeaders.Add("Authorization", "Hydrogen-r1 " + user["token"]!.GetValue<string>());

        var job = await (await client.PostAsync("hserve/v1/cloud-function/job/", Json(new { function_name = "add", data = new { x = 4, y = 5 }, sync = true }))).ReadJsonAsync();

        job["data"]!.GetValue<int>().ShouldBe(9);
        user["expires_in"]!.GetValue<int>().ShouldBeGreaterThan(0);
        (await client.GetAsync($"hserve/v2.5/user/info/{user["user_id"]}/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JobsAsync("add")).ShouldContain(record => record!["source"]!.GetValue<string>() == "sdk");
    }

    [Fact]
    public async Task ClientSdkRoute_UnknownClientOrBadToken_401()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.BaseAddress };
        (await anonymous.PostAsync("hserve/v1/cloud-function/job/", Json(new { function_name = "echo" }))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        anonymous.DefaultRequestHeaders.Add("X-Hydrogen-Client-ID", MinAppOptions.DevelopmentClientId);
        anonymous.DefaultRequestHeaders.Add("Authorization", "Hydrogen-r1 forged");
        (await anonymous.PostAsync("hserve/v1/cloud-function/job/", Json(new { function_name = "echo" }))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<string> CreateAsync(string code)
    {
        var name = "fn_" + Guid.NewGuid().ToString("N")[..8];
        (await _client.PostAsync(Functions, Json(new { name, function_code = code }))).EnsureSuccessStatusCode();
        return name;
    }

    private async Task<JsonArray> JobsAsync(string name, string query = "") =>
        (await (await _client.GetAsync($"{Functions}{name}/job/?{query}")).ReadJsonAsync())["objects"]!.AsArray();

    private async Task<int> CountAsync(string name, string query) =>
        (await (await _client.GetAsync($"{Functions}{name}/job/?{query}")).ReadJsonAsync())["meta"]!["total_count"]!.GetValue<int>();

    private async Task<JsonNode> WaitForAsync(string name, Func<JsonNode, bool> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await JobsAsync(name)).FirstOrDefault(job => condition(job!)) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no job of {name} met the condition within 5 s");
    }
}
