using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Providers.MinApp;

/// <summary>
/// Matches the jobs in a MinApp job list with the invocations that made them. MinApp's asynchronous submit answers
/// only <c>{"status":"ok"}</c>, so a job is known by its place: a function's poller submits one job at a time, each
/// after the platform answered the one before, and job ids grow; so the jobs newer than the watermark, oldest first,
/// belong to the unmatched submissions in the order they were made. A submission whose answer was lost (a 500, a
/// timeout, a dropped connection) is the last one sent until a poll settles it: no further job is submitted until
/// then, so the count of new jobs tells whether it made one. (After a crash, several may be uncertain; they are the
/// last ones, and those that made jobs are the first of them.)
/// </summary>
internal static class MinAppJobCorrelator
{
    /// <param name="watch">The function's submitted invocations in submission order, and the watermark.</param>
    /// <param name="jobs">Every listed job at least as new as the oldest one the watch needs.</param>
    /// <param name="toChange">What a listed job comes to, for an invocation.</param>
    public static JobPoll Correlate(JobWatch watch, IReadOnlyCollection<MinAppJob> jobs, Func<MinAppJob, Guid, JobChange> toChange)
    {
        var byId = new Dictionary<long, MinAppJob>();
        foreach (var job in jobs)
        {
            byId.TryAdd(job.Id, job);
        }

        var changes = new List<JobChange>();
        var notSubmitted = new List<Guid>();
        var watermark = watch.Watermark ?? 0;

        // Jobs already matched: report what changed.
        foreach (var invocation in watch.InFlight)
        {
            if (invocation.ProviderJobId is { } jobId && byId.TryGetValue(long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture), out var job)
                && toChange(job, invocation.Id) is var change
                && change.Outcome.Status != invocation.Status)
            {
                changes.Add(change);
            }
        }

        // New jobs, oldest first, to the unmatched submissions in submission order. Uncertain submissions come last (no
        // job is submitted after one until it is settled), and those that made a job are the first of them.
        var unmatched = watch.InFlight.Where(invocation => invocation.ProviderJobId is null).ToList();
        var firstUncertain = unmatched.FindIndex(IsUncertain);
        var confirmed = firstUncertain < 0 ? unmatched.Count : firstUncertain;
        var newJobs = byId.Values.Where(job => job.Id > watermark).OrderBy(job => job.Id).ToList();
        for (var i = 0; i < newJobs.Count; i++)
        {
            // Jobs beyond the submissions are not ours (another client submits to this function): skipped.
            watermark = newJobs[i].Id;
            if (i < unmatched.Count)
            {
                changes.Add(toChange(newJobs[i], unmatched[i].Id));
            }
        }

        // Once every confirmed submission has its job, an uncertain one left without a job made none.
        if (newJobs.Count >= confirmed)
        {
            notSubmitted.AddRange(unmatched.Skip(Math.Max(newJobs.Count, confirmed)).Where(IsUncertain).Select(invocation => invocation.Id));
        }

        return new JobPoll(changes, notSubmitted, watermark);
    }

    /// <summary>Sent, but the answer that would say whether a job was made never came.</summary>
    public static bool IsUncertain(Invocation invocation) =>
        invocation.SubmittedAt is not null && invocation.Status == InvocationStatus.Queued && invocation.ProviderJobId is null;
}

/// <summary>One record of MinApp's job list.</summary>
internal sealed record MinAppJob(long Id, string Status, double? StartedAt, double? FinishedAt);
