using LocalCloud.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Providers;
using Orchestrator.Providers.CloudBase;
using Orchestrator.Providers.Http;
using Orchestrator.Providers.MinApp;
using Orchestrator.Providers.WeChat;

namespace Orchestrator.IntegrationTests.Providers;

/// <summary>One local cloud shared by the provider tests; each test builds its own targets against it.</summary>
public sealed class ProviderFixture : IAsyncLifetime
{
    public const int TimeLimitMilliseconds = 3_000;

    /// <summary>How long the <c>slow</c> function runs in the deadline tests: well past the limit.</summary>
    public const int PastTheLimitMilliseconds = 6_000;

    public LocalCloudServer Cloud { get; private set; } = null!;

    public async Task InitializeAsync() => Cloud = await LocalCloudServer.StartAsync(options =>
    {
        // Short enough for the deadline tests, long enough for a cold worker on a busy machine.
        options.CloudBase.TimeLimitMilliseconds = TimeLimitMilliseconds;
        options.WeChat.TimeLimitMilliseconds = TimeLimitMilliseconds;
        options.MinApp.SyncTimeLimitMilliseconds = TimeLimitMilliseconds;
    });

    public async Task DisposeAsync() => await Cloud.DisposeAsync();

    /// <summary>A target as the orchestrator builds it (its limits included), with its own clock.</summary>
    public static Target Build(TargetOptions options, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        var registry = new TargetRegistry(
            Options.Create(new OrchestratorOptions { Targets = { ["t"] = options } }),
            [new HttpFunctionProviderFactory(null!), new MinAppProviderFactory(null!, clock), new CloudBaseProviderFactory(null!, clock), new WeChatProviderFactory(null!, clock)],
            clock);
        registry.TryGet("t", out var target).ShouldBeTrue();
        return target!;
    }

    public static Task<ProviderOutcome> CallAsync(Target target, string function, object? data = null, InvocationMode mode = InvocationMode.Sync) =>
        target.CallAsync(token => target.Provider.InvokeAsync(TestInvocations.Create(function, data, mode), token), CancellationToken.None);
}

[CollectionDefinition(Name)]
public sealed class ProviderCollection : ICollectionFixture<ProviderFixture>
{
    public const string Name = "providers";
}
