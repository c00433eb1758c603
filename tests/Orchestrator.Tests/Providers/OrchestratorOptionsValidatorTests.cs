using Orchestrator.Providers;
using Orchestrator.Providers.Http;

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

        failures.ShouldHaveSingleItem().ShouldBe("Orchestrator:Targets:shop:Provider 'lambda' is not a known provider; known: http.");
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

    private static IEnumerable<string> Validate(OrchestratorOptions options)
    {
        var sut = new OrchestratorOptionsValidator([new HttpFunctionProviderFactory(null!, null!)]);
        return sut.Validate(null, options).Failures ?? [];
    }
}
