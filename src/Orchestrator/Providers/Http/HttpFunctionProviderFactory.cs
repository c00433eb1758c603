namespace Orchestrator.Providers.Http;

internal sealed class HttpFunctionProviderFactory(SelfAddress selfAddress) : IFunctionProviderFactory
{
    public string Name => "http";

    public IEnumerable<string> Validate(string configurationPath, TargetOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            yield return $"{configurationPath}:Url is required for the http provider.";
        }
        else if (!ProviderHttp.IsHttpUrlOrPath(options.Url.Replace("{function}", "f", StringComparison.Ordinal)))
        {
            yield return $"{configurationPath}:Url must be an absolute http(s) URL or a path starting with '/'.";
        }
    }

    public IFunctionProvider Create(string targetName, TargetOptions options, HttpMessageHandler handler) =>
        new HttpFunctionProvider(ProviderHttp.CreateClient(handler), options, selfAddress);
}
