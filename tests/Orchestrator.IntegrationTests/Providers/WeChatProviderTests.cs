using System.Net.Http.Json;
using LocalCloud.Faults;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Providers;

/// <summary>The <c>wechat</c> provider against the local cloud's WeChat surface, over real HTTP.</summary>
[Collection(ProviderCollection.Name)]
public sealed class WeChatProviderTests(ProviderFixture fixture)
{
    private LocalCloudServer Cloud => fixture.Cloud;

    [Fact]
    public async Task Success_RespDataIsParsedAsJson_AndTheTokenIsCached()
    {
        var target = ProviderFixture.Build(Cloud.WeChat());

        var first = await ProviderFixture.CallAsync(target, "add", new { x = 2, y = 3 });
        var second = await ProviderFixture.CallAsync(target, "echo", new { hello = "wx" });

        first.Status.ShouldBe(InvocationStatus.Fulfilled);
        first.Result!.Value.GetInt32().ShouldBe(5);
        second.Result!.Value.GetProperty("hello").GetString().ShouldBe("wx");
        target.Health.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task ExpiredToken_42001_IsRefreshed_AndTheCallMadeOnceMore()
    {
        var target = ProviderFixture.Build(Cloud.WeChat());
        (await ProviderFixture.CallAsync(target, "echo")).Status.ShouldBe(InvocationStatus.Fulfilled);

        Cloud.Clock.Advance(TimeSpan.FromSeconds(7_201));
        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 });

        outcome.Result!.Value.GetInt32().ShouldBe(2);
        target.Health.Requests.ShouldBe(2 + 3);
    }

    [Fact]
    public async Task TokenReplacedElsewhere_40001_IsRefreshed_AndTheCallMadeOnceMore()
    {
        var target = ProviderFixture.Build(Cloud.WeChat());
        (await ProviderFixture.CallAsync(target, "echo")).Status.ShouldBe(InvocationStatus.Fulfilled);

        // Another client forces a new stable token; once the overlap is over, ours is no longer valid.
        using var client = new HttpClient { BaseAddress = Cloud.BaseAddress };
        (await client.PostAsJsonAsync("cgi-bin/stable_token", new { grant_type = "client_credential", appid = LocalCloudServer.AppId, secret = LocalCloudServer.AppSecret, force_refresh = true }))
            .EnsureSuccessStatusCode();
        Cloud.Clock.Advance(TimeSpan.FromSeconds(301));
        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 2 });

        outcome.Result!.Value.GetInt32().ShouldBe(3);
    }

    [Theory]
    [InlineData("no-such-function", null, InvocationStatus.ExecutionRejected, "-501000", false)]
    [InlineData("fail", null, InvocationStatus.ExecutionFailed, "-504002", false)]
    [InlineData("slow", ProviderFixture.PastTheLimitMilliseconds, InvocationStatus.DeadlineExceeded, "-604102", false)]
    public async Task Errcodes_MapToStatuses(string function, int? ms, InvocationStatus status, string code, bool transient)
    {
        var target = ProviderFixture.Build(Cloud.WeChat());

        var outcome = await ProviderFixture.CallAsync(target, function, ms is null ? null : new { ms });

        outcome.Status.ShouldBe(status);
        outcome.Error!.Code.ShouldBe(code);
        outcome.IsTransient.ShouldBe(transient);
    }

    [Fact]
    public async Task Busy_IsTransientRefusal()
    {
        var target = ProviderFixture.Build(Cloud.WeChat());
        try
        {
            Cloud.Faults.Replace([new FaultRule { Surface = "wechat", Function = "echo", BusyRate = 1 }]);

            var outcome = await ProviderFixture.CallAsync(target, "echo");

            (outcome.Status, outcome.IsTransient, outcome.Refused, outcome.Error!.Code).ShouldBe((InvocationStatus.ScheduleFailed, true, true, "-1"));
        }
        finally
        {
            Cloud.Faults.Replace([]);
        }
    }

    [Fact]
    public async Task WrongSecret_IsRejectedForGood_WithoutTheSecretInTheMessage()
    {
        var target = ProviderFixture.Build(Cloud.WeChat(options => options.AppSecret = "wrong-app-secret"));

        var outcome = await ProviderFixture.CallAsync(target, "echo");

        outcome.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        outcome.Error!.Type.ShouldBe("auth");
        outcome.Error.Message.ShouldNotContain("wrong-app-secret");
    }
}
