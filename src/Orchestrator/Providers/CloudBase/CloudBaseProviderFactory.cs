namespace Orchestrator.Providers.CloudBase;

internal sealed class CloudBaseProviderFactory(SelfAddress selfAddress, TimeProvider timeProvider) : IFunctionProviderFactory
{
    public string Name => "cloudbase";

    public IEnumerable<string> Validate(string configurationPath, TargetOptions options)
    {
        foreach (var missing in ProviderHttp.Require(configurationPath, Name, ("BaseUrl", options.BaseUrl)))
        {
            yield return missing;
        }

        if (options.BaseUrl is not null && !ProviderHttp.IsHttpUrlOrPath(options.BaseUrl))
        {
            yield return $"{configurationPath}:BaseUrl must be an absolute http(s) URL (e.g. https://<env>.api.tcloudbasegateway.com) or a path starting with '/'.";
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey) && (string.IsNullOrWhiteSpace(options.SecretId) || string.IsNullOrWhiteSpace(options.SecretKey)))
        {
            yield return $"{configurationPath}:ApiKey is required for the cloudbase provider, unless {configurationPath}:SecretId and {configurationPath}:SecretKey are set.";
        }
    }

    public IFunctionProvider Create(string targetName, TargetOptions options, HttpMessageHandler handler) =>
        new CloudBaseProvider(ProviderHttp.CreateClient(handler), options, selfAddress, timeProvider);
}
