using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;
using LocalCloud.Tests.Infrastructure;

namespace Orchestrator.IntegrationTests.Providers;

/// <summary>The <c>minapp</c> provider's calls against the local cloud's MinApp surface, over real HTTP.</summary>
[Collection(ProviderCollection.Name)]
public sealed class MinAppProviderTests(ProviderFixture fixture)
{
    private LocalCloudServer Cloud => fixture.Cloud;

    [Fact]
    public async Task SyncCall_FollowsTheTokenFlow_AndReturnsTheValue_WithTheEnvironmentHeader()
    {
        var target = ProviderFixture.Build(Cloud.MinApp(options => options.Environment = "staging"));

        var outcome = await ProviderFixture.CallAsync(target, "tagged", new { tag = "t1" });

        outcome.Status.ShouldBe(InvocationStatus.Fulfilled);
        outcome.Result!.Value.GetProperty("tag").GetString().ShouldBe("t1");
        outcome.Result.Value.GetProperty("env").GetProperty("id").GetString().ShouldBe("staging");

        // authorize, its two redirects, access_token, then the call.
        target.Health.Requests.ShouldBe(5);
    }

    [Fact]
    public async Task TokenNearItsEnd_IsRefreshedWithTheRefreshGrant_BeforeTheCall()
    {
        var clock = new ShiftableClock();
        var target = ProviderFixture.Build(Cloud.MinApp(), clock);
        (await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 })).Status.ShouldBe(InvocationStatus.Fulfilled);

        clock.Advance(TimeSpan.FromSeconds(7_000));
        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 2, y = 2 });

        outcome.Result!.Value.GetInt32().ShouldBe(4);
        target.Health.Requests.ShouldBe(5 + 2);
    }

    [Fact]
    public async Task TokenThePlatformNoLongerTakes_401_IsReplaced_AndTheCallMadeOnceMore()
    {
        var target = ProviderFixture.Build(Cloud.MinApp());
        (await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 })).Status.ShouldBe(InvocationStatus.Fulfilled);

        Cloud.Clock.Advance(TimeSpan.FromSeconds(7_201));
        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 3, y = 3 });

        outcome.Result!.Value.GetInt32().ShouldBe(6);
    }

    [Theory]
    [InlineData("no-such-function", null, InvocationStatus.ExecutionRejected)]
    [InlineData("fail", null, InvocationStatus.ExecutionFailed)]
    [InlineData("slow", ProviderFixture.PastTheLimitMilliseconds, InvocationStatus.DeadlineExceeded)]
    public async Task SyncFailures_MapToStatuses(string function, int? ms, InvocationStatus status)
    {
        var target = ProviderFixture.Build(Cloud.MinApp());

        var outcome = await ProviderFixture.CallAsync(target, function, ms is null ? null : new { ms });

        outcome.Status.ShouldBe(status);
        outcome.IsTransient.ShouldBeFalse();
    }

    [Fact]
    public async Task WrongClientSecret_IsRejectedForGood_WithoutTheSecretInTheMessage()
    {
        var target = ProviderFixture.Build(Cloud.MinApp(options => options.ClientSecret = "wrong-client-secret"));

        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 });

        outcome.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        outcome.Error!.Type.ShouldBe("auth");
        outcome.Error.Message.ShouldNotContain("wrong-client-secret");
    }
}
