using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.AsyncJobs;
using Orchestrator.Contracts;
using Orchestrator.Persistence;
using Orchestrator.Providers;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Orchestrator.Invocations;

/// <summary>
/// The invocation life cycle: accept a request (stored with this instance's lease), call the provider through the
/// target's pipeline, store the terminal status, publish <see cref="InvocationCompleted"/>, then mark it published.
/// Each step is safe to repeat, so a crash between any two loses nothing: the lease expires and the work resumes.
/// </summary>
public sealed class InvocationService(
    IInvocationStore store,
    InvocationRequestValidator validator,
    TargetRegistry targets,
    InstanceIdentity instance,
    InvocationCompletionNotifier notifier,
    JobPollers pollers,
    IOptions<InvocationOptions> options,
    TimeProvider timeProvider,
    ILogger<InvocationService> logger)
{
    private TimeSpan LeaseGrace => TimeSpan.FromSeconds(options.Value.LeaseGraceSeconds);

    /// <summary>
    /// Stores a request as a new invocation, or finds the one it repeats (same id or idempotency key).
    /// A request that fails validation is stored as <see cref="InvocationStatus.ExecutionRejected"/>, never dropped.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="leaseScope">What holds the lease, e.g. the message id; a repeat with the same scope takes the lease back.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <returns>The invocation, and whether this instance now holds its lease and must finish it.</returns>
    public async Task<AcceptedInvocation> AcceptAsync(InvokeFunction request, string? leaseScope, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var leaseToken = instance.NewLeaseToken(leaseScope);
        var invocation = validator.CreateInvocation(request, now);
        var errors = validator.Validate(request);
        if (errors.Count > 0)
        {
            var (field, messages) = errors.First();
            invocation = invocation with
            {
                Status = InvocationStatus.ExecutionRejected,
                Error = new InvocationError("validation", $"{field}: {messages[0]}"),
                FinishedAt = now,

                // The lease (and a recovery's) derives from these, so they must be sane even when the request's were not.
                TimeoutSeconds = Math.Clamp(invocation.TimeoutSeconds, 1, InvocationLimits.MaxTimeoutSeconds),
                MaxAttempts = Math.Clamp(invocation.MaxAttempts, 1, InvocationLimits.MaxAttempts),
            };
            Log.InvocationRejected(logger, invocation.Id, field);
        }

        if (!invocation.Status.IsTerminal() && targets.TryGet(invocation.Target, out var target) && target.Poller?.SubmitsInOrder(invocation) == true)
        {
            // Submitted and followed by the function's poller, which holds the lease on the function rather than on each invocation.
            var (polled, _) = await store.CreateAsync(invocation with { Polled = true }, cancellationToken);
            if (polled.Polled && !polled.OutcomePublished)
            {
                pollers.Wake(polled.Target, polled.Function);
            }

            return new AcceptedInvocation(polled, Owned: false);
        }

        invocation = invocation with
        {
            LeaseOwner = leaseToken,
            LeaseExpiresAt = now + TimeSpan.FromSeconds(invocation.TimeoutSeconds) + LeaseGrace,
        };
        var (stored, created) = await store.CreateAsync(invocation, cancellationToken);
        if (created)
        {
            return new AcceptedInvocation(stored, Owned: true);
        }

        // A repeat: take over the work only if its holder is gone (a redelivery after a crash).
        var claimed = await store.TryClaimAsync(stored.Id, leaseToken, now, LeaseGrace, cancellationToken);
        return claimed is null ? new AcceptedInvocation(stored, Owned: false) : new AcceptedInvocation(claimed, Owned: true);
    }

    /// <summary>
    /// Handles a request from the bus end to end: accepts it, finishes it if this instance holds it, and
    /// answers a repeat of a finished invocation with its outcome.
    /// </summary>
    /// <returns>The finished invocation, or <see langword="null"/> when another instance is still working on it.</returns>
    public async Task<Invocation?> SubmitAsync(
        InvokeFunction request, string? leaseScope, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var (invocation, owned) = await AcceptAsync(request, leaseScope, cancellationToken);
        if (owned)
        {
            return await FinishAsync(invocation, publisher, cancellationToken);
        }

        // A repeat of a finished invocation gets its outcome, also while the first is still marking it published
        // (delivery is at least once, so a second copy is allowed; a request client waiting on this one is not ignored).
        if (invocation.OutcomePublished || invocation.Status.IsTerminal())
        {
            await publisher.Publish(invocation.ToCompleted(), cancellationToken);
            return invocation;
        }

        return null;
    }

    /// <summary>Runs an invocation whose lease this instance holds to its end and publishes the outcome.</summary>
    /// <returns>The finished invocation, or <see langword="null"/> when the lease was lost to another holder.</returns>
    public async Task<Invocation?> FinishAsync(Invocation invocation, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var leaseToken = invocation.LeaseOwner
            ?? throw new ArgumentException($"Invocation {invocation.Id} is not leased; claim it before finishing it.", nameof(invocation));
        if (!invocation.Status.IsTerminal())
        {
            invocation = await ExecuteAsync(invocation, cancellationToken);
            if (!await store.SaveProgressAsync(invocation, leaseToken, cancellationToken))
            {
                Log.LeaseLost(logger, invocation.Id);
                return null;
            }

            if (invocation.Polled)
            {
                // The provider runs it as a job of its own: the function's poller follows it from here and publishes its outcome.
                pollers.Wake(invocation.Target, invocation.Function);
                return null;
            }
        }

        await publisher.Publish(invocation.ToCompleted(), cancellationToken);
        notifier.Notify(invocation.Id);

        // The outcome is out. Recording that rides a later group commit without holding up the message: should this
        // instance stop before it lands, the lease runs out and the recovery sweep publishes the outcome again.
        _ = MarkPublishedAsync(invocation.Id, leaseToken);
        Log.InvocationCompleted(logger, invocation.Id, invocation.Function, invocation.Target, invocation.Status.ToWireName(), invocation.Attempts);
        return invocation with { OutcomePublished = true, LeaseOwner = null, LeaseExpiresAt = null };
    }

    private async Task MarkPublishedAsync(Guid id, string leaseToken)
    {
        try
        {
            await store.MarkPublishedAsync(id, leaseToken, CancellationToken.None);
        }
        catch (Exception exception)
        {
            Log.MarkPublishedFailed(logger, exception, id);
        }
    }

    /// <summary>Calls the provider until the outcome is final, the attempts are spent or the deadline passes.</summary>
    private async Task<Invocation> ExecuteAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetUtcNow();
        if (!targets.TryGet(invocation.Target, out var target))
        {
            // The target was removed from the configuration after the invocation was accepted.
            return Finish(invocation, startedAt, 0, ProviderOutcome.Final(
                InvocationStatus.ExecutionRejected,
                new InvocationError("validation", $"target: '{invocation.Target}' is no longer a configured target.")));
        }

        var timeout = TimeSpan.FromSeconds(invocation.TimeoutSeconds);
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        var budget = new AttemptBudget(invocation.MaxAttempts, startedAt + timeout);
        context.Properties.Set(TargetRegistry.BudgetKey, budget);
        var state = new CallState(target, invocation, budget);
        ProviderOutcome outcome;
        try
        {
            outcome = await target.Pipeline.ExecuteAsync(
                static async (context, state) => await state.Target.CallAsync(
                    token =>
                    {
                        state.Budget.Made++;
                        return state.Target.Provider.InvokeAsync(state.Invocation, token);
                    },
                    context.CancellationToken),
                context,
                state);
        }
        catch (BrokenCircuitException)
        {
            outcome = ProviderOutcome.Final(
                InvocationStatus.ScheduleFailed,
                new InvocationError("circuit_open", $"The circuit of target '{target.Name}' stayed open after repeated failures until the invocation's deadline."));
        }
        catch (TimeoutRejectedException)
        {
            outcome = ProviderOutcome.Final(
                InvocationStatus.ExecutionFailed,
                new InvocationError("timeout", $"Every attempt ran past the target's limit of {target.Options.AttemptTimeoutSeconds} s."));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            outcome = ProviderOutcome.Final(
                InvocationStatus.DeadlineExceeded,
                new InvocationError("deadline", $"The invocation did not finish within its {invocation.TimeoutSeconds} s timeout."));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return Finish(invocation, startedAt, budget.Made, outcome);
    }

    private Invocation Finish(Invocation invocation, DateTimeOffset startedAt, int attempts, ProviderOutcome outcome) => invocation with
    {
        Status = outcome.Status,
        Result = outcome.Result,
        Error = outcome.Error,
        Attempts = invocation.Attempts + attempts,
        ProviderJobId = outcome.ProviderJobId ?? invocation.ProviderJobId,
        StartedAt = invocation.StartedAt ?? startedAt,
        FinishedAt = outcome.IsAccepted ? null : timeProvider.GetUtcNow(),
        Polled = outcome.IsAccepted,
    };

    // Attempts run one after another, so a plain counter is enough.
    private sealed record CallState(Target Target, Invocation Invocation, AttemptBudget Budget);
}

/// <summary>The answer of <see cref="InvocationService.AcceptAsync"/>.</summary>
/// <param name="Invocation">The stored invocation.</param>
/// <param name="Owned">Whether this instance holds its lease and must finish it.</param>
public readonly record struct AcceptedInvocation(Invocation Invocation, bool Owned);
