using System.Net;
using LocalCloud.Tests.Infrastructure;
using static LocalCloud.Tests.Infrastructure.HttpJson;

namespace LocalCloud.Tests.MinApp;

public sealed class MinAppFunctionsTests : IAsyncLifetime
{
    private const string Functions = "oserve/v1.3/cloud-function/";
    private LocalCloudHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalCloudHost.StartAsync();
        _client = await _host.MinAppClientAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Create_201WithTheFunctionObject_ThenItRuns()
    {
        var name = Unique();

        var response = await _client.PostAsync(Functions, Json(new { name, function_code = "exports.main = (event, callback) => callback(null, 'hi ' + event.data.who)", remark = "你好" }));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var function = await response.ReadJsonAsync();
        function["name"]!.GetValue<string>().ShouldBe(name);
        function["remark"]!.GetValue<string>().ShouldBe("你好");
        function["plan_circle"]!.GetValue<string>().ShouldBe("P_FREE");
        function["audit_status"]!.GetValue<string>().ShouldBe("approved");
        function["id"]!.GetValue<int>().ShouldBeGreaterThan(0);
        function["created_at"]!.GetValue<long>().ShouldBeGreaterThan(1_700_000_000);
        var job = await (await _client.PostAsync($"{Functions}{name}/job/", Json(new { data = new { who = "you" } }))).ReadJsonAsync();
        job["data"]!.GetValue<string>().ShouldBe("hi you");
    }

    [Theory]
    [InlineData("""{"name": "", "function_code": "exports.main = async () => 1"}""")]
    [InlineData("""{"name": "x", "function_code": ""}""")]
    [InlineData("""{"function_code": "exports.main = async () => 1"}""")]
    [InlineData("""{"name": "x"}""")]
    [InlineData("""{"name": 5, "function_code": "exports.main = async () => 1"}""")]
    [InlineData("""not json""")]
    public async Task Create_EmptyOrMissingNameOrCode_400(string body)
    {
        var response = await _client.PostAsync(Functions, Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadJsonAsync())["error_msg"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Create_NameTaken_400()
    {
        (await _client.PostAsync(Functions, Json(new { name = "echo", function_code = "exports.main = async () => 1" }))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_PagesWithMeta()
    {
        var first = await (await _client.GetAsync(Functions + "?limit=2")).ReadJsonAsync();
        var meta = first["meta"]!;
        var total = meta["total_count"]!.GetValue<int>();
        total.ShouldBeGreaterThan(3);
        first["objects"]!.AsArray().Count.ShouldBe(2);
        meta["previous"].ShouldBeNull();
        meta["next"]!.GetValue<string>().ShouldBe("/oserve/v1.3/cloud-function/?limit=2&offset=2");

        var last = await (await _client.GetAsync(Functions + $"?limit=2&offset={total - 1}")).ReadJsonAsync();

        last["objects"]!.AsArray().Count.ShouldBe(1);
        last["meta"]!["next"].ShouldBeNull();
        last["meta"]!["previous"]!.GetValue<string>().ShouldBe($"/oserve/v1.3/cloud-function/?limit=2&offset={total - 3}");
        (await _client.GetAsync(Functions + "?limit=zero")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_200OrNotFound404()
    {
        (await (await _client.GetAsync(Functions + "echo/")).ReadJsonAsync())["name"]!.GetValue<string>().ShouldBe("echo");
        (await _client.GetAsync(Functions + "nothing_here/")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_202_ChangesCodeNameAndPlan()
    {
        var name = Unique();
        var renamed = Unique();
        await _client.PostAsync(Functions, Json(new { name, function_code = "exports.main = async () => 1" }));

        var response = await _client.PatchAsync($"{Functions}{name}/", Json(new { name = renamed, function_code = "exports.main = async () => 2", plan_circle = "P_PERSONAL" }));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.ReadJsonAsync())["plan_circle"]!.GetValue<string>().ShouldBe("P_PERSONAL");
        (await _client.GetAsync($"{Functions}{name}/")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var job = await (await _client.PostAsync($"{Functions}{renamed}/job/", Json("{}"))).ReadJsonAsync();
        job["data"]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("""{"function_code": ""}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name": ""}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"plan_circle": "P_GOLD"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"name": "echo"}""", HttpStatusCode.BadRequest)]
    public async Task Patch_InvalidChange_400(string body, HttpStatusCode expected)
    {
        var name = Unique();
        await _client.PostAsync(Functions, Json(new { name, function_code = "exports.main = async () => 1" }));

        (await _client.PatchAsync($"{Functions}{name}/", Json(body))).StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task Patch_Unknown_404() =>
        (await _client.PatchAsync($"{Functions}nothing_here/", Json(new { remark = "x" }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

    [Fact]
    public async Task Delete_204ThenGone404()
    {
        var name = Unique();
        await _client.PostAsync(Functions, Json(new { name, function_code = "exports.main = async () => 1" }));

        (await _client.DeleteAsync($"{Functions}{name}/")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await _client.DeleteAsync($"{Functions}{name}/")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await _client.PostAsync($"{Functions}{name}/job/", Json("{}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static string Unique() => "fn_" + Guid.NewGuid().ToString("N")[..8];
}
