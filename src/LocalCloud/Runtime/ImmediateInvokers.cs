using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LocalCloud.Runtime;

/// <summary>The immediate (queue-less) invokers of the CloudBase surfaces (HTTP API and <c>/admin</c> share one) and of WeChat.</summary>
public sealed class ImmediateInvokers(FunctionRuntime runtime, IOptions<LocalCloudOptions> options, IHostApplicationLifetime lifetime)
{
    public ImmediateInvoker CloudBase { get; } = new(
        runtime, options.Value.CloudBase.ConcurrencyLimit, options.Value.CloudBase.TimeLimitMilliseconds, lifetime.ApplicationStopping);

    public ImmediateInvoker WeChat { get; } = new(
        runtime, options.Value.WeChat.ConcurrencyLimit, options.Value.WeChat.TimeLimitMilliseconds, lifetime.ApplicationStopping);
}
