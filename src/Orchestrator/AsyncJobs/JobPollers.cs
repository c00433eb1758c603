using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Invocations;
using Orchestrator.Persistence;
using Orchestrator.Providers;

namespace Orchestrator.AsyncJobs;

/// <summary>
/// Runs one <see cref="FunctionPoller"/> per function that has polled invocations in flight, for the functions whose
/// lease this instance holds. It starts them when told of new work (<see cref="Wake"/>) and, every second, for any
/// function the store shows work for, which is how polling resumes after a restart and moves to another instance when
/// its poller's instance dies.
/// </summary>
public sealed class JobPollers(
    IInvocationStore store,
    TargetRegistry targets,
    IBus bus,
    InstanceIdentity instance,
    InvocationCompletionNotifier notifier,
    TimeProvider timeProvider,
    ILogger<JobPollers> logger) : BackgroundService
{
    private static readonly TimeSpan DiscoveryInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<JobChannelKey, FunctionPoller> _running = new();
    private CancellationToken _stopping = CancellationToken.None;
    private volatile bool _started;

    /// <summary>The functions this instance polls now (holding their leases).</summary>
    public IReadOnlyCollection<JobChannelKey> Polling => [.. _running.Where(pair => pair.Value.HoldsLease).Select(pair => pair.Key)];

    /// <summary>Says a function has new work: its poller here starts, or wakes up, at once.</summary>
    public void Wake(string target, string function)
    {
        if (!_started)
        {
            return;
        }

        var key = new JobChannelKey(target, function);
        if (_running.TryGetValue(key, out var poller))
        {
            poller.Wake();
        }
        else
        {
            Start(key);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _started = true;
        using var timer = new PeriodicTimer(DiscoveryInterval, timeProvider);
        do
        {
            try
            {
                foreach (var key in await store.FindJobChannelsAsync(stoppingToken))
                {
                    if (!_running.ContainsKey(key))
                    {
                        Start(key);
                    }
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                Log.PollerDiscoveryFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_running.Values.Select(poller => poller.Completion));
    }

    private void Start(JobChannelKey key)
    {
        if (!targets.TryGet(key.Target, out var target) || target.Poller is null)
        {
            return;
        }

        var poller = new FunctionPoller(key, target, store, bus, instance, notifier, timeProvider, logger);
        if (!_running.TryAdd(key, poller))
        {
            return;
        }

        poller.Completion = Task.Run(async () =>
        {
            try
            {
                await poller.RunAsync(_stopping);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                Log.PollerFailed(logger, exception, key.ToString());
            }
            finally
            {
                _running.TryRemove(key, out _);
                poller.Dispose();
            }
        });
    }
}
