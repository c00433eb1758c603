using LocalCloud.Functions;
using LocalCloud.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalCloud;

/// <summary>Loads the sample functions and the functions folder when the host starts.</summary>
internal sealed class LocalCloudStartup(
    FunctionRegistry registry, IOptions<LocalCloudOptions> options, ILogger<FunctionRuntime> logger) : IHostedService
{
    public static string SamplesPath => Path.Combine(AppContext.BaseDirectory, "localcloud", "functions");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.LoadSamples)
        {
            FunctionFolder.Load(registry, SamplesPath);
        }

        if (!string.IsNullOrWhiteSpace(settings.FunctionsPath))
        {
            FunctionFolder.Load(registry, settings.FunctionsPath);
        }

        var names = registry.List().Select(function => function.Name).ToList();
        Log.Started(logger, names.Count, string.Join(", ", names), settings.Workers);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
