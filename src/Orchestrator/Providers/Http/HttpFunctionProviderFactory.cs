namespace Orchestrator.Providers.Http;

internal sealed class HttpFunctionProviderFactory(IHttpClientFactory httpClientFactory, SelfAddress selfAddress) : IFunctionProviderFactory
{
    public string Name => "http";

    public IEnumerable<string> Validate(string configurationPath, TargetOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            yield return $"{configurationPath}:Url is required for the http provider.";
        }
        else if (!options.Url.StartsWith('/') && !IsHttpUrl(options.Url.Replace("{function}", "f", StringComparison.Ordinal)))
        {
            yield return $"{configurationPath}:Url must be an absolute http(s) URL or a path starting with '/'.";
        }
    }

    public const string HttpClientName = "http-provider";

    public IFunctionProvider Create(string targetName, TargetOptions options)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);

        // Each attempt's time limit is the target pipeline's, not HttpClient's.
        client.Timeout = Timeout.InfiniteTimeSpan;
        return new HttpFunctionProvider(client, options, selfAddress);
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
