using Orchestrator.Invocations;

namespace Orchestrator.Providers;

/// <summary>
/// Calls functions on one target. Implementations classify every answer into a <see cref="ProviderOutcome"/> and
/// throw only when cancelled; retries, timeouts, limits and attempt counting belong to the target.
/// </summary>
public interface IFunctionProvider
{
    /// <summary>Calls the function; a provider that runs it as a job of its own answers <see cref="ProviderOutcome.Accepted"/>.</summary>
    Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken);
}

/// <summary>
/// A provider whose functions run as jobs of their own, which are polled until they end. Each function's jobs are
/// watched by one poller at a time (see <c>AsyncJobs/</c>), which asks about all of them at once.
/// </summary>
public interface IJobPoller
{
    /// <summary>
    /// Whether the function's poller submits this invocation, one submission after another, instead of a worker calling
    /// <see cref="IFunctionProvider.InvokeAsync"/>: for jobs the provider gives no id, which are known by their order.
    /// </summary>
    bool SubmitsInOrder(Invocation invocation);

    /// <summary>
    /// Submits the job of an invocation that <see cref="SubmitsInOrder"/>. <see cref="ProviderOutcome.IsAccepted"/> means
    /// the job exists; a transient outcome means it may or may not, and the next poll settles which.
    /// </summary>
    Task<ProviderOutcome> SubmitAsync(Invocation invocation, CancellationToken cancellationToken);

    /// <summary>Asks what became of a function's jobs in flight.</summary>
    Task<JobPoll> PollAsync(string function, JobWatch watch, CancellationToken cancellationToken);
}

/// <summary>What a poll asks about.</summary>
/// <param name="InFlight">The submitted invocations that have not ended, in submission order.</param>
/// <param name="Watermark">The newest provider job already matched to an invocation (or seen before the first submission).</param>
public sealed record JobWatch(IReadOnlyList<Invocation> InFlight, long? Watermark);

/// <summary>What a poll found.</summary>
/// <param name="Changes">The invocations whose job was found or moved on, with what it came to.</param>
/// <param name="NotSubmitted">Invocations whose uncertain submission made no job: they are submitted again.</param>
/// <param name="Watermark">The new watermark.</param>
/// <param name="Failure">Why the poll could not be made, when it could not; nothing else is set then.</param>
public sealed record JobPoll(
    IReadOnlyList<JobChange> Changes,
    IReadOnlyList<Guid> NotSubmitted,
    long? Watermark,
    ProviderOutcome? Failure = null)
{
    public static JobPoll Failed(ProviderOutcome failure, long? watermark) => new([], [], watermark, failure);
}

/// <summary>One invocation's job, as a poll found it.</summary>
public sealed record JobChange(Guid InvocationId, ProviderOutcome Outcome, DateTimeOffset? StartedAt = null, DateTimeOffset? FinishedAt = null);

/// <summary>Creates the <see cref="IFunctionProvider"/> of each target configured with this provider.</summary>
public interface IFunctionProviderFactory
{
    /// <summary>The name targets use in their <c>Provider</c> setting.</summary>
    string Name { get; }

    /// <summary>Checks a target's settings; each message names the configuration key at fault.</summary>
    IEnumerable<string> Validate(string configurationPath, TargetOptions options);

    /// <summary>Creates the target's provider; it sends every request through <paramref name="handler"/>.</summary>
    IFunctionProvider Create(string targetName, TargetOptions options, HttpMessageHandler handler);
}
