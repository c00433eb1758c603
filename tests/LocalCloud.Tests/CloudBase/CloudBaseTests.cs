using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LocalCloud.CloudBase;
using LocalCloud.Tests.Infrastructure;
using static LocalCloud.Tests.Infrastructure.HttpJson;

namespace LocalCloud.Tests.CloudBase;

public sealed class CloudBaseTests : IAsyncLifetime
{
    private LocalCloudHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalCloudHost.StartAsync(options =>
    {
        options.CloudBase.TimeLimitMilliseconds = 2_000;
        options.CloudBase.ConcurrencyLimit = 2;
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Invoke_ApiKey_TheUnwrappedValueWithARequestId()
    {
        var response = await InvokeAsync("add", """{"x": 3, "y": 4}""");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("7");
        response.Headers.GetValues("X-Request-Id").Single().Length.ShouldBe(32);
    }

    [Fact]
    public async Task Invoke_EmptyBody_TheEventIsAnEmptyObject() =>
        (await (await InvokeAsync("echo", "")).Content.ReadAsStringAsync()).ShouldBe("{}");

    [Theory]
    [InlineData(null, "MISSING_CREDENTIALS")]
    [InlineData("forged", "INVALID_CREDENTIALS")]
    public async Task Invoke_BadCredentials_401(string? key, string code) =>
        await ShouldFailAsync(await InvokeAsync("echo", "{}", key), HttpStatusCode.Unauthorized, code);

    [Fact]
    public async Task ClientCredentialToken_WorksUntilItExpires()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "auth/v1/token/clientCredential") { Content = Json("""{"grant_type": "client_credentials"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{CloudBaseOptions.DevelopmentSecretId}:{CloudBaseOptions.DevelopmentSecretKey}")));
        var token = await (await _host.Client.SendAsync(request)).ReadJsonAsync();
        token["token_type"]!.GetValue<string>().ShouldBe("Bearer");
        token["expires_in"]!.GetValue<int>().ShouldBe(432_000);
        var accessToken = token["access_token"]!.GetValue<string>();

        (await InvokeAsync("echo", "{}", accessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        _host.Clock.Advance(TimeSpan.FromSeconds(432_001));

        await ShouldFailAsync(await InvokeAsync("echo", "{}", accessToken), HttpStatusCode.Unauthorized, "ACCESS_TOKEN_EXPIRED");
        (await InvokeAsync("echo", "{}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ClientCredentialToken_WrongSecret_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "auth/v1/token/clientCredential") { Content = Json("""{"grant_type": "client_credentials"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AKIDlocal:wrong")));

        (await _host.Client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("nothing_here", "{}", null, HttpStatusCode.NotFound, "FUNCTION_NOT_FOUND")]
    [InlineData("9starts_with_digit", "{}", null, HttpStatusCode.BadRequest, "FUNCTION_PARAM_INVALID")]
    [InlineData("ends_with_", "{}", null, HttpStatusCode.BadRequest, "FUNCTION_PARAM_INVALID")]
    [InlineData("echo", "not json", null, HttpStatusCode.BadRequest, "FUNCTION_PARAM_INVALID")]
    [InlineData("echo", "[1]", null, HttpStatusCode.BadRequest, "FUNCTION_PARAM_INVALID")]
    [InlineData("echo", "{}", "2", HttpStatusCode.NotFound, "FUNCTION_QUALIFIER_NOT_FOUND")]
    [InlineData("fail", "{}", null, HttpStatusCode.InternalServerError, "FUNCTION_INVOCATION_FAILED")]
    [InlineData("never", "{}", null, HttpStatusCode.GatewayTimeout, "FUNCTION_TIME_LIMIT_EXCEEDED")]
    public async Task Invoke_Failures_TheirCodes(string name, string body, string? qualifier, HttpStatusCode status, string code)
    {
        using var request = Request(name, body);
        if (qualifier is not null)
        {
            request.Headers.Add("X-Qualifier", qualifier);
        }

        await ShouldFailAsync(await _host.Client.SendAsync(request), status, code);
    }

    [Fact]
    public async Task Invoke_LatestQualifier_Accepted()
    {
        using var request = Request("echo", "{}");
        request.Headers.Add("X-Qualifier", "$LATEST");

        (await _host.Client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Invoke_BeyondTheConcurrencyLimit_429()
    {
        var busy = Enumerable.Range(0, 2).Select(_ => InvokeAsync("slow", """{"ms": 1500}""")).ToList();
        await Task.Delay(500);

        await ShouldFailAsync(await InvokeAsync("slow", """{"ms": 0}"""), HttpStatusCode.TooManyRequests, "EXCEED_CONCURRENT_REQUEST_LIMIT");
        (await InvokeAsync("echo", "{}")).StatusCode.ShouldBe(HttpStatusCode.OK, "the limit is per function");
        (await Task.WhenAll(busy)).ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Admin_Tc3Signature_AnswersResponseDataAsAJsonString()
    {
        var response = await AdminAsync(
            """{"action": "functions.invokeFunction", "function_name": "add", "request_data": "{\"x\":1,\"y\":2}", "envName": "local"}""",
            "TC3-HMAC-SHA256 Credential=AKIDlocal/2026-11-21/tcb/tc3_request, SignedHeaders=content-type;host, Signature=" + new string('a', 64));

        var body = await response.ReadJsonAsync();
        body["data"]!["response_data"]!.GetValue<string>().ShouldBe("3");
        body["requestId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("""{"action": "functions.invokeFunction", "function_name": "nothing_here", "request_data": ""}""", "Bearer local-api-key", "FUNCTION_NOT_FOUND")]
    [InlineData("""{"action": "functions.invokeFunction", "function_name": "fail", "request_data": ""}""", "Bearer local-api-key", "FUNCTION_INVOCATION_FAILED")]
    [InlineData("""{"action": "database.query", "function_name": "echo"}""", "Bearer local-api-key", "ACTION_FORBIDDEN")]
    [InlineData("""{"action": "functions.invokeFunction", "function_name": "echo", "request_data": "{"}""", "Bearer local-api-key", "FUNCTION_PARAM_INVALID")]
    [InlineData("""{"action": "functions.invokeFunction", "function_name": "echo", "request_data": ""}""", "TC3-HMAC-SHA256 garbage", "INVALID_CREDENTIALS")]
    [InlineData("""{"action": "functions.invokeFunction", "function_name": "echo", "request_data": ""}""", "TC3-HMAC-SHA256 Credential=AKIDunknown/2026-11-21/tcb/tc3_request, SignedHeaders=host, Signature=0000000000000000000000000000000000000000000000000000000000000000", "INVALID_CREDENTIALS")]
    [InlineData("""{"action": "functions.invokeFunction", "function_name": "echo", "request_data": ""}""", "Bearer forged", "INVALID_CREDENTIALS")]
    public async Task Admin_Failures_200WithTheirCode(string body, string authorization, string code)
    {
        var response = await AdminAsync(body, authorization);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var failure = await response.ReadJsonAsync();
        failure["code"]!.GetValue<string>().ShouldBe(code);
        failure["message"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        failure["requestId"].ShouldNotBeNull();
    }

    private async Task<HttpResponseMessage> AdminAsync(string body, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin?env=local&seqId=1") { Content = Json(body) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await _host.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> InvokeAsync(string name, string body, string? key = CloudBaseOptions.DevelopmentApiKey)
    {
        var request = Request(name, body, key);
        return _host.Client.SendAsync(request);
    }

    private static HttpRequestMessage Request(string name, string body, string? key = CloudBaseOptions.DevelopmentApiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"v1/functions/{name}") { Content = Json(body) };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private static async Task ShouldFailAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        response.StatusCode.ShouldBe(status);
        var body = await response.ReadJsonAsync();
        body["code"]!.GetValue<string>().ShouldBe(code);
        body["message"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        body["requestId"]!.GetValue<string>().ShouldBe(response.Headers.GetValues("X-Request-Id").Single());
    }
}
