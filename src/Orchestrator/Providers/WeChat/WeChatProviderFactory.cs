namespace Orchestrator.Providers.WeChat;

internal sealed class WeChatProviderFactory(SelfAddress selfAddress, TimeProvider timeProvider) : IFunctionProviderFactory
{
    public string Name => "wechat";

    public IEnumerable<string> Validate(string configurationPath, TargetOptions options)
    {
        foreach (var missing in ProviderHttp.Require(
            configurationPath, Name, ("BaseUrl", options.BaseUrl), ("AppId", options.AppId), ("AppSecret", options.AppSecret), ("Environment", options.Environment)))
        {
            yield return missing;
        }

        if (options.BaseUrl is not null && !ProviderHttp.IsHttpUrlOrPath(options.BaseUrl))
        {
            yield return $"{configurationPath}:BaseUrl must be an absolute http(s) URL (e.g. https://api.weixin.qq.com) or a path starting with '/'.";
        }
    }

    public IFunctionProvider Create(string targetName, TargetOptions options, HttpMessageHandler handler) =>
        new WeChatProvider(ProviderHttp.CreateClient(handler), options, selfAddress, timeProvider);
}
