using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Persistence;

namespace Orchestrator.Invocations;

/// <summary>
/// Takes over invocations whose holder is gone: a crashed or stalled instance's work (its lease expired) and
/// outcomes that were stored but never published. Every instance sweeps; row locks keep them apart.
/// </summary>
public sealed class RecoverySweeper(
    IInvocationStore store,
    BackgroundInvocationRunner runner,
    InstanceIdentity instance,
    IOptions<InvocationOptions> options,
    TimeProvider timeProvider,
    ILogger<RecoverySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.RecoveryIntervalSeconds), timeProvider);
        do
        {
            // Claim no more than can start at once: a claimed invocation that waits in a queue would see its lease
            // run out before it ran, and be claimed again.
            var freeSlots = runner.FreeSlots;
            if (freeSlots == 0)
            {
                continue;
            }

            try
            {
                var claimed = await store.ClaimPendingAsync(
                    instance.NewLeaseToken(),
                    timeProvider.GetUtcNow(),
                    TimeSpan.FromSeconds(settings.LeaseGraceSeconds),
                    freeSlots,
                    stoppingToken);
                foreach (var invocation in claimed)
                {
                    runner.Enqueue(invocation);
                }

                if (claimed.Count > 0)
                {
                    Log.Recovered(logger, claimed.Count);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                Log.RecoveryFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
