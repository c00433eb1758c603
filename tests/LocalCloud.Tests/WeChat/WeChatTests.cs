using System.Net;
using System.Text.Json.Nodes;
using LocalCloud.Tests.Infrastructure;
using LocalCloud.WeChat;
using static LocalCloud.Tests.Infrastructure.HttpJson;

namespace LocalCloud.Tests.WeChat;

public sealed class WeChatTests : IAsyncLifetime
{
    private const string AppId = WeChatOptions.DevelopmentAppId;
    private const string Secret = WeChatOptions.DevelopmentAppSecret;
    private LocalCloudHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalCloudHost.StartAsync(options =>
    {
        options.WeChat.TimeLimitMilliseconds = 2_000;
        options.WeChat.ConcurrencyLimit = 2;
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Invoke_RespDataIsTheResultAsAJsonString()
    {
        var body = await InvokeAsync(await TokenAsync(), "echo", """{"a": [1, 2]}""");

        body["errcode"]!.GetValue<int>().ShouldBe(0);
        body["errmsg"]!.GetValue<string>().ShouldBe("ok");
        JsonNode.Parse(body["resp_data"]!.GetValue<string>())!["a"]![1]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("nothing_here", "{}", -501000)]
    [InlineData("fail", "{}", -504002)]
    [InlineData("never", "{}", -604102)]
    [InlineData("echo", "", 44002)]
    [InlineData("echo", "{not json", 47001)]
    public async Task Invoke_Failures_TheirErrcodes(string name, string body, int errcode) =>
        (await InvokeAsync(await TokenAsync(), name, body))["errcode"]!.GetValue<int>().ShouldBe(errcode);

    [Fact]
    public async Task Invoke_TokenMissingInvalidOrExpired_41001_40001_42001()
    {
        var token = await TokenAsync();
        (await InvokeAsync("", "echo", "{}"))["errcode"]!.GetValue<int>().ShouldBe(41001);
        (await InvokeAsync("forged", "echo", "{}"))["errcode"]!.GetValue<int>().ShouldBe(40001);

        _host.Clock.Advance(TimeSpan.FromSeconds(7201));

        (await InvokeAsync(token, "echo", "{}"))["errcode"]!.GetValue<int>().ShouldBe(42001);
    }

    [Fact]
    public async Task Invoke_MissingNameOrGet_40101_43002()
    {
        var token = await TokenAsync();
        (await (await _host.Client.PostAsync($"tcb/invokecloudfunction?access_token={token}&env=e", Json("{}"))).ReadJsonAsync())["errcode"]!.GetValue<int>().ShouldBe(40101);
        (await (await _host.Client.GetAsync($"tcb/invokecloudfunction?access_token={token}&env=e&name=echo")).ReadJsonAsync())["errcode"]!.GetValue<int>().ShouldBe(43002);
    }

    [Fact]
    public async Task Invoke_BeyondTheConcurrencyLimit_501004()
    {
        var token = await TokenAsync();
        var busy = Enumerable.Range(0, 2).Select(_ => InvokeAsync(token, "slow", """{"ms": 1500}""")).ToList();
        await Task.Delay(500);

        (await InvokeAsync(token, "slow", """{"ms": 0}"""))["errcode"]!.GetValue<int>().ShouldBe(-501004);
        (await InvokeAsync(token, "echo", "{}"))["errcode"]!.GetValue<int>().ShouldBe(0);
        (await Task.WhenAll(busy)).ShouldAllBe(body => body["errcode"]!.GetValue<int>() == 0);
    }

    [Theory]
    [InlineData("client_credential", "nobody", Secret, 40013)]
    [InlineData("client_credential", AppId, "wrong", 40001)]
    [InlineData("password", AppId, Secret, 40002)]
    public async Task Token_BadRequest_Errcode(string grantType, string appId, string secret, int errcode)
    {
        (await (await _host.Client.GetAsync($"cgi-bin/token?grant_type={grantType}&appid={appId}&secret={secret}")).ReadJsonAsync())["errcode"]!.GetValue<int>().ShouldBe(errcode);
        (await (await _host.Client.PostAsync("cgi-bin/stable_token", Json(new { grant_type = grantType, appid = appId, secret }))).ReadJsonAsync())["errcode"]!.GetValue<int>().ShouldBe(errcode);
    }

    [Fact]
    public async Task StableToken_SameUntilForced_ThenTheOldOneOverlapsFiveMinutes()
    {
        var first = await StableAsync(force: false);
        (await StableAsync(force: false))["access_token"]!.GetValue<string>().ShouldBe(first["access_token"]!.GetValue<string>());
        first["expires_in"]!.GetValue<int>().ShouldBe(7200);

        var forced = await StableAsync(force: true);

        var old = first["access_token"]!.GetValue<string>();
        forced["access_token"]!.GetValue<string>().ShouldNotBe(old);
        (await InvokeAsync(old, "echo", "{}"))["errcode"]!.GetValue<int>().ShouldBe(0);
        _host.Clock.Advance(TimeSpan.FromSeconds(301));
        (await InvokeAsync(old, "echo", "{}"))["errcode"]!.GetValue<int>().ShouldBe(42001);
        (await InvokeAsync(forced["access_token"]!.GetValue<string>(), "echo", "{}"))["errcode"]!.GetValue<int>().ShouldBe(0);
    }

    private async Task<JsonNode> StableAsync(bool force) =>
        await (await _host.Client.PostAsync("cgi-bin/stable_token", Json(new { grant_type = "client_credential", appid = AppId, secret = Secret, force_refresh = force }))).ReadJsonAsync();

    private async Task<string> TokenAsync() =>
        (await (await _host.Client.GetAsync($"cgi-bin/token?grant_type=client_credential&appid={AppId}&secret={Secret}")).ReadJsonAsync())["access_token"]!.GetValue<string>();

    private async Task<JsonNode> InvokeAsync(string token, string name, string body)
    {
        var response = await _host.Client.PostAsync($"tcb/invokecloudfunction?access_token={token}&env=local&name={name}", Json(body));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }
}
