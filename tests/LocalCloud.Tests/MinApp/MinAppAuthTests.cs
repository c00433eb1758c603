using System.Net;
using System.Net.Http.Json;
using LocalCloud.MinApp;
using LocalCloud.Tests.Infrastructure;
using static LocalCloud.Tests.Infrastructure.HttpJson;

namespace LocalCloud.Tests.MinApp;

public sealed class MinAppAuthTests : IAsyncLifetime
{
    private const string Functions = "oserve/v1.3/cloud-function/";
    private LocalCloudHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalCloudHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Authorize_AnswersThroughTwoRedirectsThatNeedTheCookie()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _host.BaseAddress };

        var first = await client.PostAsync("api/oauth2/hydrogen/openapi/authorize/", Json(Credentials()));
        first.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var withoutCookie = await client.GetAsync(first.Headers.Location);
        withoutCookie.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var second = new HttpRequestMessage(HttpMethod.Get, first.Headers.Location) { Headers = { { "Cookie", cookie } } };
        var secondResponse = await client.SendAsync(second);
        secondResponse.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var third = new HttpRequestMessage(HttpMethod.Get, secondResponse.Headers.Location) { Headers = { { "Cookie", cookie } } };
        var code = await (await client.SendAsync(third)).ReadJsonAsync();

        code["code"]!.GetValue<string>().Length.ShouldBeGreaterThan(10);
        code["expires_in"]!.GetValue<int>().ShouldBe(600);
    }

    [Fact]
    public async Task Authorize_WrongSecret_401()
    {
        var response = await _host.Client.PostAsync("api/oauth2/hydrogen/openapi/authorize/", Json(new { client_id = MinAppOptions.DevelopmentClientId, client_secret = "wrong" }));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AccessToken_CodeWorksOnce()
    {
        var code = await CodeAsync();

        var first = await _host.Client.PostAsync("api/oauth2/access_token/", Json(Grant("authorization_code", code: code)));
        var second = await _host.Client.PostAsync("api/oauth2/access_token/", Json(Grant("authorization_code", code: code)));

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var pair = await first.ReadJsonAsync();
        pair["token_type"]!.GetValue<string>().ShouldBe("Bearer");
        pair["expires_in"]!.GetValue<int>().ShouldBe(7200);
        pair["refresh_token"].ShouldNotBeNull();
        pair["scope"].ShouldNotBeNull();
        second.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await second.ReadJsonAsync())["error"]!.GetValue<string>().ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task AccessToken_Refresh_InvalidatesTheOldPair()
    {
        var old = await (await _host.Client.PostAsync("api/oauth2/access_token/", Json(Grant("authorization_code", code: await CodeAsync())))).ReadJsonAsync();

        var refreshed = await _host.Client.PostAsync("api/oauth2/access_token/", Json(Grant("refresh_token", refresh: old["refresh_token"]!.GetValue<string>())));
        var again = await _host.Client.PostAsync("api/oauth2/access_token/", Json(Grant("refresh_token", refresh: old["refresh_token"]!.GetValue<string>())));

        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = await refreshed.ReadJsonAsync();
        (await ListWith(old["access_token"]!.GetValue<string>())).ShouldBe(HttpStatusCode.Unauthorized);
        (await ListWith(fresh["access_token"]!.GetValue<string>())).ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("password")]
    [InlineData(null)]
    public async Task AccessToken_UnsupportedGrant_400(string? grantType)
    {
        var response = await _host.Client.PostAsync("api/oauth2/access_token/", Json(Grant(grantType!)));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ReadJsonAsync())["error"]!.GetValue<string>().ShouldBe("unsupported_grant_type");
    }

    [Fact]
    public async Task OpenApi_WithoutOrWithABadOrExpiredToken_401()
    {
        var token = await _host.MinAppTokenAsync();
        (await _host.Client.GetAsync(Functions)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ListWith("not-a-token")).ShouldBe(HttpStatusCode.Unauthorized);
        (await ListWith(token)).ShouldBe(HttpStatusCode.OK);

        _host.Clock.Advance(TimeSpan.FromSeconds(7201));

        (await ListWith(token)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<HttpStatusCode> ListWith(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Functions) { Headers = { { "Authorization", "Bearer " + token } } };
        return (await _host.Client.SendAsync(request)).StatusCode;
    }

    private async Task<string> CodeAsync()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        return (await (await client.PostAsync("api/oauth2/hydrogen/openapi/authorize/", Json(Credentials()))).ReadJsonAsync())["code"]!.GetValue<string>();
    }

    private static object Credentials() => new { client_id = MinAppOptions.DevelopmentClientId, client_secret = MinAppOptions.DevelopmentClientSecret };

    private static Dictionary<string, string?> Grant(string grantType, string? code = null, string? refresh = null) => new()
    {
        ["client_id"] = MinAppOptions.DevelopmentClientId,
        ["client_secret"] = MinAppOptions.DevelopmentClientSecret,
        ["grant_type"] = grantType,
        ["code"] = code,
        ["refresh_token"] = refresh,
    };
}
