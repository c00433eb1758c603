using LocalCloud.Faults;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Providers;

/// <summary>The <c>cloudbase</c> provider against the local cloud's CloudBase surface, over real HTTP.</summary>
[Collection(ProviderCollection.Name)]
public sealed class CloudBaseProviderTests(ProviderFixture fixture)
{
    private LocalCloudServer Cloud => fixture.Cloud;

    [Fact]
    public async Task ApiKey_Success_ResultIsUnwrapped()
    {
        var target = ProviderFixture.Build(Cloud.CloudBase(options => options.Qualifier = "$LATEST"));

        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 2, y = 3 });

        outcome.Status.ShouldBe(InvocationStatus.Fulfilled);
        outcome.Result!.Value.GetInt32().ShouldBe(5);
        outcome.ProviderJobId.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task ClientCredentials_TokenFetchedOnceForManyCalls_AndAgainWhenThePlatformSaysItExpired()
    {
        var target = ProviderFixture.Build(Cloud.CloudBase(options => (options.ApiKey, options.SecretId, options.SecretKey) = (null, LocalCloudServer.SecretId, LocalCloudServer.SecretKey)));

        for (var i = 0; i < 3; i++)
        {
            (await ProviderFixture.CallAsync(target, "add", new { x = i, y = 1 })).Result!.Value.GetInt32().ShouldBe(i + 1);
        }

        target.Health.Requests.ShouldBe(4);

        // Past the token's lifetime at the platform (but not by this orchestrator's clock): 401 ACCESS_TOKEN_EXPIRED, a new token, the call again.
        Cloud.Clock.Advance(TimeSpan.FromSeconds(432_001));
        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 });

        outcome.Result!.Value.GetInt32().ShouldBe(2);
        target.Health.Requests.ShouldBe(4 + 3);
    }

    [Theory]
    [InlineData("no-such-function", null, InvocationStatus.ExecutionRejected, "FUNCTION_NOT_FOUND", false)]
    [InlineData("1-not-a-valid-name", null, InvocationStatus.ExecutionRejected, "FUNCTION_PARAM_INVALID", false)]
    [InlineData("fail", null, InvocationStatus.ExecutionFailed, "FUNCTION_INVOCATION_FAILED", false)]
    [InlineData("slow", ProviderFixture.PastTheLimitMilliseconds, InvocationStatus.DeadlineExceeded, "FUNCTION_TIME_LIMIT_EXCEEDED", false)]
    public async Task PlatformCodes_MapToStatuses(string function, int? ms, InvocationStatus status, string code, bool transient)
    {
        var target = ProviderFixture.Build(Cloud.CloudBase());

        var outcome = await ProviderFixture.CallAsync(target, function, ms is null ? null : new { ms });

        outcome.Status.ShouldBe(status);
        outcome.Error!.Code.ShouldBe(code);
        outcome.IsTransient.ShouldBe(transient);
    }

    [Fact]
    public async Task WrongApiKey_IsRejectedForGood()
    {
        var target = ProviderFixture.Build(Cloud.CloudBase(options => options.ApiKey = "not-the-key"));

        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 });

        outcome.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        outcome.IsTransient.ShouldBeFalse();
        outcome.Error!.Message.ShouldNotContain("not-the-key");
    }

    [Fact]
    public async Task WrongSecretKey_IsRejectedForGood_WithoutTheSecretInTheMessage()
    {
        var target = ProviderFixture.Build(Cloud.CloudBase(options => (options.ApiKey, options.SecretId, options.SecretKey) = (null, LocalCloudServer.SecretId, "wrong-secret-key")));

        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 });

        outcome.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        outcome.Error!.Type.ShouldBe("auth");
        outcome.Error.Message.ShouldNotContain("wrong-secret-key");
    }

    [Fact]
    public async Task UnknownQualifier_IsRejected()
    {
        var target = ProviderFixture.Build(Cloud.CloudBase(options => options.Qualifier = "7"));

        var outcome = await ProviderFixture.CallAsync(target, "add", new { x = 1, y = 1 });

        outcome.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        outcome.Error!.Code.ShouldBe("FUNCTION_QUALIFIER_NOT_FOUND");
    }

    [Fact]
    public async Task RateAndServerErrors_AreTransient()
    {
        var target = ProviderFixture.Build(Cloud.CloudBase());
        try
        {
            Cloud.Faults.Replace([new FaultRule { Surface = "cloudbase", Function = "echo", TooManyRequestsRate = 1 }]);
            var limited = await ProviderFixture.CallAsync(target, "echo");
            Cloud.Faults.Replace([new FaultRule { Surface = "cloudbase", Function = "echo", ServerErrorRate = 1 }]);
            var failed = await ProviderFixture.CallAsync(target, "echo");

            (limited.Status, limited.IsTransient, limited.Refused).ShouldBe((InvocationStatus.ScheduleFailed, true, true));
            (failed.Status, failed.IsTransient, failed.Refused).ShouldBe((InvocationStatus.ExecutionFailed, true, false));
        }
        finally
        {
            Cloud.Faults.Replace([]);
        }
    }
}
