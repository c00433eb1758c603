using System.Threading.RateLimiting;
using MassTransit;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.Persistence;
using Orchestrator.Providers;
using Orchestrator.Providers.MinApp;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Orchestrator.AsyncJobs;

/// <summary>
/// Follows one function's polled invocations while this instance holds the function's lease. Each tick it makes one
/// poll for all of them (the provider pages as needed), ends those past their deadline, submits queued ones while the
/// target has free slots (MinApp's, one after another, each intent stored before it is sent), stores every change in
/// one transaction, then publishes what ended. The interval doubles while nothing changes and drops back when
/// something does. Without work left it releases the lease and stops.
/// </summary>
internal sealed class FunctionPoller(
    JobChannelKey key,
    Target target,
    IInvocationStore store,
    IPublishEndpoint publisher,
    InstanceIdentity instance,
    InvocationCompletionNotifier notifier,
    TimeProvider timeProvider,
    ILogger logger) : IDisposable
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<Guid, RateLimitLease> _slots = [];
    private readonly string _owner = instance.NewLeaseToken($"poller:{key}");
    private readonly IJobPoller _poller = target.Poller!;
    private readonly TargetOptions _options = target.Options;
    private DateTimeOffset _leaseExpiresAt;

    // Whether this poller has looked at the job list since it started: a poller starts when its function gets work after
    // a quiet spell, and takes a fresh watermark then, so that jobs others submitted meanwhile are never taken for ours.
    private bool _looked;

    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Whether this poller holds the function's lease: set once it is taken, cleared before it is given up.</summary>
    public bool HoldsLease { get; private set; }

    /// <summary>
    /// Long enough to outlast a call and a wait; a round of submissions stops while the lease still outlasts the next
    /// call, so two instances never submit to one function at once.
    /// </summary>
    private TimeSpan LeaseDuration => TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds + 15) + TimeSpan.FromMilliseconds(_options.PollMaxIntervalMilliseconds);

    /// <summary>How long a submission whose job was not matched keeps its place in the order.</summary>
    private TimeSpan UnmatchedRetention => TimeSpan.FromSeconds(2 * _options.JobAppearTimeoutSeconds);

    /// <summary>Cuts the current wait short (or the next one, when it comes during a tick).</summary>
    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PollUntilIdleAsync(cancellationToken);
        }
        finally
        {
            HoldsLease = false;

            // On a graceful stop, another instance may take over at once rather than when the lease runs out.
            using var release = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await store.ReleaseJobChannelAsync(key, _owner, release.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or Npgsql.NpgsqlException)
            {
                // The lease runs out on its own.
            }
        }
    }

    private async Task PollUntilIdleAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(_options.PollMinIntervalMilliseconds);
        var minInterval = interval;
        var maxInterval = TimeSpan.FromMilliseconds(_options.PollMaxIntervalMilliseconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = timeProvider.GetUtcNow();
            _leaseExpiresAt = now + LeaseDuration;
            var state = await store.TryLeaseJobChannelAsync(key, _owner, now, _leaseExpiresAt, cancellationToken);
            if (state is null)
            {
                return;
            }

            HoldsLease = true;
            TickResult result;
            try
            {
                result = await TickAsync(state, cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                Log.PollerTickFailed(logger, exception, key.ToString());
                result = new TickResult(Busy: true, Changed: false, LeaseLost: false);
            }

            if (result.LeaseLost)
            {
                HoldsLease = false;
                Log.PollerLeaseLost(logger, key.ToString());
                return;
            }

            if (!result.Busy)
            {
                return;
            }

            interval = result.Changed ? minInterval : TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, maxInterval.Ticks));
            await WaitAsync(interval, cancellationToken);
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Dispose();
        }

        _slots.Clear();
    }

    private async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var wake = Volatile.Read(ref _wake);
        using (var nap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            await Task.WhenAny(wake.Task, Task.Delay(interval, timeProvider, nap.Token));
            await nap.CancelAsync();
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (wake.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), wake);
        }
    }

    private async Task<TickResult> TickAsync(JobChannelState state, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var rows = await store.LoadJobChannelAsync(key, _options.MaxConcurrency, now - UnmatchedRetention, cancellationToken);
        var tick = new Tick(rows, state);

        await PollAsync(tick, cancellationToken);
        EndOverdue(tick, timeProvider.GetUtcNow());
        HoldSlots(tick);
        if (!await SubmitAsync(tick, cancellationToken))
        {
            return new TickResult(Busy: true, Changed: true, LeaseLost: true);
        }

        if (tick.IsDirty && !await store.SaveJobChannelAsync(key, _owner, _leaseExpiresAt = timeProvider.GetUtcNow() + LeaseDuration, tick.State, tick.Changes.Values, cancellationToken))
        {
            return new TickResult(Busy: true, Changed: true, LeaseLost: true);
        }

        await PublishAsync(tick, cancellationToken);
        var busy = tick.Current.Values.Any(invocation => !invocation.OutcomePublished);
        return new TickResult(busy, tick.Changes.Count > 0, LeaseLost: false);
    }

    /// <summary>One poll for every submitted invocation, and for a first look at the job list before the first submission.</summary>
    private async Task PollAsync(Tick tick, CancellationToken cancellationToken)
    {
        var watched = tick.Current.Values
            .Where(invocation => invocation.Status.IsTerminal()
                ? invocation.SubmitSeq is not null && invocation.ProviderJobId is null
                : invocation.ProviderJobId is not null || invocation.SubmittedAt is not null)
            .OrderBy(invocation => invocation.SubmitSeq ?? long.MaxValue)
            .ThenBy(invocation => invocation.CreatedAt)
            .ToList();
        var firstLook = (tick.State.Watermark is null || !_looked)
            && !watched.Any(invocation => invocation.SubmitSeq is not null && invocation.ProviderJobId is null)
            && tick.Current.Values.Any(invocation => IsQueued(invocation) && _poller.SubmitsInOrder(invocation));
        if (firstLook)
        {
            tick.State = tick.State with { Watermark = null };
        }
        else if (watched.Count == 0)
        {
            return;
        }

        var poll = await CallAsync(
            token => _poller.PollAsync(key.Function, new JobWatch(watched, tick.State.Watermark), token),
            failure => JobPoll.Failed(failure, tick.State.Watermark),
            cancellationToken);
        var now = timeProvider.GetUtcNow();
        if (poll.Failure is { } failed)
        {
            if (!failed.IsTransient)
            {
                // The job list itself is refused (the function is gone, the credentials are bad): nothing in flight can be followed.
                foreach (var invocation in watched.Where(invocation => !invocation.Status.IsTerminal()))
                {
                    tick.Set(End(invocation, failed.Status, failed.Error, now));
                }
            }

            return;
        }

        tick.State = tick.State with { Watermark = poll.Watermark };
        _looked = true;
        foreach (var change in poll.Changes)
        {
            var invocation = tick.Current[change.InvocationId];
            var outcome = change.Outcome;
            if (invocation.Status.IsTerminal())
            {
                // Ended here already (its deadline passed): the job is recorded only so that it keeps its place.
                tick.Set(invocation with { ProviderJobId = outcome.ProviderJobId ?? invocation.ProviderJobId });
                continue;
            }

            var terminal = outcome.Status.IsTerminal();
            tick.Set(invocation with
            {
                Status = outcome.Status,
                Result = outcome.Result,
                Error = outcome.Error,
                ProviderJobId = outcome.ProviderJobId ?? invocation.ProviderJobId,
                StartedAt = change.StartedAt ?? invocation.StartedAt ?? (outcome.Status == InvocationStatus.Waiting ? null : now),
                FinishedAt = terminal ? change.FinishedAt ?? now : null,
            });
        }

        foreach (var id in poll.NotSubmitted)
        {
            // The uncertain submission made no job: it is submitted again, while its attempts last.
            var invocation = tick.Current[id];
            tick.Set(invocation.Attempts >= invocation.MaxAttempts
                ? End(invocation with { SubmitSeq = null }, InvocationStatus.ScheduleFailed, invocation.Error, now)
                : invocation with { Status = InvocationStatus.Queued, SubmittedAt = null, SubmitSeq = null });
        }
    }

    /// <summary>Ends invocations past their own deadline, and accepted submissions whose job never appeared.</summary>
    private void EndOverdue(Tick tick, DateTimeOffset now)
    {
        var appearTimeout = TimeSpan.FromSeconds(_options.JobAppearTimeoutSeconds);
        foreach (var invocation in tick.Current.Values.ToList())
        {
            // An uncertain submission keeps its place until a poll settles whether it made a job; ending it before would
            // let the next submission's job be taken for its.
            if (invocation.Status.IsTerminal() || MinAppJobCorrelator.IsUncertain(invocation))
            {
                continue;
            }

            if (now >= invocation.CreatedAt + TimeSpan.FromSeconds(invocation.TimeoutSeconds))
            {
                tick.Set(End(invocation, InvocationStatus.DeadlineExceeded, new InvocationError(
                    "deadline", $"The invocation did not finish within its {invocation.TimeoutSeconds} s timeout."), now));
            }
            else if (invocation.Status == InvocationStatus.Waiting && invocation.ProviderJobId is null && invocation.SubmittedAt + appearTimeout < now)
            {
                tick.Set(End(invocation, InvocationStatus.ScheduleFailed, new InvocationError(
                    "job_not_found", $"The provider accepted the job but it did not appear in its job list within {_options.JobAppearTimeoutSeconds} s."), now));
            }
        }
    }

    /// <summary>Every job in flight holds one of the target's slots; ended ones give theirs back.</summary>
    private void HoldSlots(Tick tick)
    {
        foreach (var invocation in tick.Current.Values)
        {
            var inFlight = !invocation.Status.IsTerminal() && (invocation.SubmittedAt is not null || invocation.ProviderJobId is not null);
            if (inFlight && !_slots.ContainsKey(invocation.Id) && target.TryTakeJobSlot() is { } slot)
            {
                _slots[invocation.Id] = slot;
            }
            else if (!inFlight)
            {
                ReleaseSlot(invocation.Id);
            }
        }
    }

    /// <summary>
    /// Submits queued invocations while slots are free: the intents are stored first (with their places in the order),
    /// then each is sent after the one before was answered. A refusal or an uncertain answer stops the round: the rest
    /// wait for the next tick, and an uncertain submission for the poll that settles it.
    /// </summary>
    /// <returns><see langword="false"/> when the lease was lost.</returns>
    private async Task<bool> SubmitAsync(Tick tick, CancellationToken cancellationToken)
    {
        if (tick.Current.Values.Any(MinAppJobCorrelator.IsUncertain) || target.Circuit is CircuitState.Open or CircuitState.Isolated)
        {
            return true;
        }

        var round = new List<Invocation>();
        foreach (var invocation in tick.Current.Values.Where(IsQueued).OrderBy(invocation => invocation.CreatedAt))
        {
            var inOrder = _poller.SubmitsInOrder(invocation);
            if ((inOrder && tick.State.Watermark is null) || target.TryTakeJobSlot() is not { } slot)
            {
                break;
            }

            _slots[invocation.Id] = slot;
            var now = timeProvider.GetUtcNow();
            var intent = invocation with { SubmittedAt = now, SubmitSeq = inOrder ? tick.State.NextSeq : null };
            tick.State = tick.State with { NextSeq = tick.State.NextSeq + 1 };
            tick.Set(intent);
            round.Add(intent);
        }

        if (round.Count == 0)
        {
            return true;
        }

        _leaseExpiresAt = timeProvider.GetUtcNow() + LeaseDuration;
        if (!await store.SaveJobChannelAsync(key, _owner, _leaseExpiresAt, tick.State, tick.Changes.Values, cancellationToken))
        {
            return false;
        }

        tick.Changes.Clear();
        var sent = 0;
        for (; sent < round.Count; sent++)
        {
            // Stop while the lease still outlasts the call, so no other instance can be submitting to this function meanwhile.
            if (timeProvider.GetUtcNow() + TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds + 5) > _leaseExpiresAt)
            {
                break;
            }

            var invocation = round[sent];
            var broken = false;
            var outcome = await CallAsync(
                token => _poller.SubmitAsync(invocation, token),
                failure =>
                {
                    broken = failure.Refused && failure.Error?.Type == "circuit_open";
                    return failure;
                },
                cancellationToken);
            var now = timeProvider.GetUtcNow();
            var attempts = invocation.Attempts + (broken ? 0 : 1);
            if (outcome.IsAccepted)
            {
                tick.Set(invocation with { Status = outcome.Status, ProviderJobId = outcome.ProviderJobId, Attempts = attempts, Error = null });
                continue;
            }

            if (!outcome.IsTransient || outcome.Refused)
            {
                // No job was made. A refusal is submitted again later, while attempts last.
                var unsent = invocation with { Attempts = attempts, Error = outcome.Error, SubmittedAt = null, SubmitSeq = null };
                tick.Set(!outcome.IsTransient || attempts >= invocation.MaxAttempts ? End(unsent, outcome.Status, outcome.Error, now) : unsent);
                ReleaseSlot(invocation.Id);
                if (!outcome.IsTransient)
                {
                    continue;
                }
            }
            else
            {
                // Uncertain: a job may exist. The next poll settles it before anything else is submitted.
                tick.Set(invocation with { Attempts = attempts, Error = outcome.Error });
            }

            sent++;
            break;
        }

        foreach (var unsent in round.Skip(sent))
        {
            tick.Set(unsent with { SubmittedAt = null, SubmitSeq = null });
            ReleaseSlot(unsent.Id);
        }

        return true;
    }

    private async Task PublishAsync(Tick tick, CancellationToken cancellationToken)
    {
        var ended = tick.Current.Values.Where(invocation => invocation.Status.IsTerminal() && !invocation.OutcomePublished).ToList();
        if (ended.Count == 0)
        {
            return;
        }

        await Task.WhenAll(ended.Select(invocation => publisher.Publish(invocation.ToCompleted(), cancellationToken)));
        await store.MarkPolledPublishedAsync([.. ended.Select(invocation => invocation.Id)], cancellationToken);
        foreach (var invocation in ended)
        {
            tick.Current[invocation.Id] = invocation with { OutcomePublished = true };
            ReleaseSlot(invocation.Id);
            notifier.Notify(invocation.Id);
            Log.InvocationCompleted(logger, invocation.Id, invocation.Function, invocation.Target, invocation.Status.ToWireName(), invocation.Attempts);
        }
    }

    /// <summary>A request through the target's limits; an open circuit or a timeout becomes a transient outcome.</summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, Func<ProviderOutcome, T> failed, CancellationToken cancellationToken)
    {
        try
        {
            return await target.CallAsync(call, cancellationToken, takeSlot: false);
        }
        catch (BrokenCircuitException)
        {
            return failed(ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, new InvocationError(
                "circuit_open", $"The circuit of target '{target.Name}' is open after repeated failures.")) with { Refused = true });
        }
        catch (TimeoutRejectedException)
        {
            return failed(ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, new InvocationError(
                "timeout", $"The call ran past the target's limit of {_options.AttemptTimeoutSeconds} s.")));
        }
    }

    private static bool IsQueued(Invocation invocation) => invocation.Status == InvocationStatus.Queued && invocation.SubmittedAt is null;

    private static Invocation End(Invocation invocation, InvocationStatus status, InvocationError? error, DateTimeOffset now) => invocation with
    {
        Status = status,
        Error = error,
        Result = null,
        FinishedAt = now,
    };

    private void ReleaseSlot(Guid id)
    {
        if (_slots.Remove(id, out var slot))
        {
            slot.Dispose();
        }
    }

    private readonly record struct TickResult(bool Busy, bool Changed, bool LeaseLost);

    /// <summary>One tick's view: the invocations as they now stand, and which of them changed.</summary>
    private sealed class Tick(IReadOnlyList<Invocation> rows, JobChannelState state)
    {
        private readonly JobChannelState _loaded = state;

        public Dictionary<Guid, Invocation> Current { get; } = rows.ToDictionary(invocation => invocation.Id);

        public Dictionary<Guid, Invocation> Changes { get; } = [];

        public JobChannelState State { get; set; } = state;

        public bool IsDirty => Changes.Count > 0 || State != _loaded;

        public void Set(Invocation invocation)
        {
            Current[invocation.Id] = invocation;
            Changes[invocation.Id] = invocation;
        }
    }
}
