using Orchestrator.Providers;
using Orchestrator.Providers.CloudBase;
using Orchestrator.Providers.Http;
using Orchestrator.Providers.MinApp;
using Orchestrator.Providers.WeChat;

namespace Orchestrator.Tests.Providers;

public class OrchestratorOptionsValidatorTests
{
    [Fact]
    public void Validate_HttpTargetWithoutUrl_NamesTheKey()
    {
        var failures = Validate(new() { Targets = { ["shop"] = new() { Provider = "http" } } });

        failures.ShouldContain("Orchestrator:Targets:shop:Url is required for the http provider.");
    }

    [Fact]
    public void Validate_RelativeUrlWithoutLeadingSlash_NamesTheKey()
    {
        var failures = Validate(new() { Targets = { ["shop"] = new() { Provider = "http", Url = "functions/{function}" } } });

        failures.ShouldHaveSingleItem().ShouldStartWith("Orchestrator:Targets:shop:Url must be");
    }

    [Fact]
    public void Validate_UnknownProvider_NamesTheKeyAndTheKnownProviders()
    {
        var failures = Validate(new() { Targets = { ["shop"] = new() { Provider = "lambda" } } });

        failures.ShouldHaveSingleItem().ShouldBe("Orchestrator:Targets:shop:Provider 'lambda' is not a known provider; known: cloudbase, http, minapp, wechat.");
    }

    [Fact]
    public void Validate_OutOfRangeSetting_NamesTheKey()
    {
        var failures = Validate(new()
        {
            Targets = { ["shop"] = new() { Provider = "http", Url = "http://x/{function}", AttemptTimeoutSeconds = 0 } },
        });

        failures.ShouldHaveSingleItem().ShouldStartWith("Orchestrator:Targets:shop:AttemptTimeoutSeconds:");
    }

    [Fact]
    public void Validate_DefaultTargetNotConfigured_NamesTheKey()
    {
        var failures = Validate(new() { DefaultTarget = "missing" });

        failures.ShouldHaveSingleItem().ShouldBe("Orchestrator:DefaultTarget 'missing' is not a configured target.");
    }

    [Fact]
    public void Validate_GoodTargets_Succeed()
    {
        var failures = Validate(new()
        {
            DefaultTarget = "shop",
            Targets =
            {
                ["shop"] = new() { Provider = "http", Url = "https://fn.example/{function}" },
                ["self"] = new() { Provider = "HTTP", Url = "/local-cloud/v1/functions/{function}" },
            },
        });

        failures.ShouldBeEmpty();
    }

    [Fact]
    public void Validate_MinAppTargetWithoutCredentials_NamesEachMissingKey()
    {
        var failures = Validate(new() { Targets = { ["m"] = new() { Provider = "minapp", BaseUrl = "https://cloud.minapp.com" } } });

        failures.ShouldBe(
        [
            "Orchestrator:Targets:m:ClientId is required for the minapp provider.",
            "Orchestrator:Targets:m:ClientSecret is required for the minapp provider.",
        ]);
    }

    [Fact]
    public void Validate_CloudBaseTargetWithNeitherApiKeyNorSecretPair_SaysWhichKeysWouldDo()
    {
        var failures = Validate(new() { Targets = { ["c"] = new() { Provider = "cloudbase", BaseUrl = "https://env.api.tcloudbasegateway.com", SecretId = "id" } } });

        failures.ShouldHaveSingleItem().ShouldBe(
            "Orchestrator:Targets:c:ApiKey is required for the cloudbase provider, unless Orchestrator:Targets:c:SecretId and Orchestrator:Targets:c:SecretKey are set.");
    }

    [Fact]
    public void Validate_WeChatTargetWithBadBaseUrlAndNoEnvironment_NamesBothKeys()
    {
        var failures = Validate(new() { Targets = { ["w"] = new() { Provider = "wechat", BaseUrl = "ftp://x", AppId = "a", AppSecret = "s" } } });

        failures.ShouldBe(
        [
            "Orchestrator:Targets:w:Environment is required for the wechat provider.",
            "Orchestrator:Targets:w:BaseUrl must be an absolute http(s) URL (e.g. https://api.weixin.qq.com) or a path starting with '/'.",
        ]);
    }

    [Fact]
    public void Validate_CompleteProviderTargets_Pass()
    {
        var failures = Validate(new()
        {
            Targets =
            {
                ["m"] = new() { Provider = "minapp", BaseUrl = "https://cloud.minapp.com", ClientId = "i", ClientSecret = "s" },
                ["c"] = new() { Provider = "cloudbase", BaseUrl = "https://env.api.tcloudbasegateway.com", SecretId = "i", SecretKey = "k" },
                ["w"] = new() { Provider = "wechat", BaseUrl = "https://api.weixin.qq.com", AppId = "a", AppSecret = "s", Environment = "e" },
            },
        });

        failures.ShouldBeEmpty();
    }

    private static IEnumerable<string> Validate(OrchestratorOptions options)
    {
        var sut = new OrchestratorOptionsValidator(
        [
            new HttpFunctionProviderFactory(null!),
            new MinAppProviderFactory(null!, TimeProvider.System),
            new CloudBaseProviderFactory(null!, TimeProvider.System),
            new WeChatProviderFactory(null!, TimeProvider.System),
        ]);
        return sut.Validate(null, options).Failures ?? [];
    }
}
