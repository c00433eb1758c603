namespace Orchestrator.Providers.MinApp;

internal sealed class MinAppProviderFactory(SelfAddress selfAddress, TimeProvider timeProvider) : IFunctionProviderFactory
{
    public string Name => "minapp";

    public IEnumerable<string> Validate(string configurationPath, TargetOptions options)
    {
        foreach (var missing in ProviderHttp.Require(configurationPath, Name, ("BaseUrl", options.BaseUrl), ("ClientId", options.ClientId), ("ClientSecret", options.ClientSecret)))
        {
            yield return missing;
        }

        if (options.BaseUrl is not null && !ProviderHttp.IsHttpUrlOrPath(options.BaseUrl))
        {
            yield return $"{configurationPath}:BaseUrl must be an absolute http(s) URL (e.g. https://cloud.minapp.com) or a path starting with '/'.";
        }
    }

    public IFunctionProvider Create(string targetName, TargetOptions options, HttpMessageHandler handler) =>
        new MinAppProvider(ProviderHttp.CreateClient(handler), options, selfAddress, timeProvider);
}
