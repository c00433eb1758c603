using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.Providers;
using Orchestrator.Providers.MinApp;

namespace Orchestrator.Tests.Providers.MinApp;

public class MinAppJobCorrelatorTests
{
    [Fact]
    public void NewJobs_GoToUnmatchedSubmissions_InSubmissionOrder()
    {
        var (a, b) = (Confirmed(1), Confirmed(2));

        var poll = Correlate([a, b], watermark: 10, Job(12, "executing"), Job(11, "fulfilled"), Job(9, "fulfilled"));

        Assigned(poll).ShouldBe([(a.Id, "11", InvocationStatus.Fulfilled), (b.Id, "12", InvocationStatus.Executing)]);
        poll.Watermark.ShouldBe(12);
        poll.NotSubmitted.ShouldBeEmpty();
    }

    [Fact]
    public void NotAllJobsListedYet_TheFirstOnesAreMatched_TheRestWait()
    {
        var (a, b) = (Confirmed(1), Confirmed(2));

        var poll = Correlate([a, b], watermark: 10, Job(11, "waiting"));

        Assigned(poll).ShouldBe([(a.Id, "11", InvocationStatus.Waiting)]);
        poll.Watermark.ShouldBe(11);
    }

    [Fact]
    public void UncertainSubmissionThatMadeAJob_GetsIt()
    {
        var (a, uncertain) = (Confirmed(1), Uncertain(2));

        var poll = Correlate([a, uncertain], watermark: 10, Job(11, "fulfilled"), Job(12, "waiting"));

        Assigned(poll).ShouldBe([(a.Id, "11", InvocationStatus.Fulfilled), (uncertain.Id, "12", InvocationStatus.Waiting)]);
        poll.NotSubmitted.ShouldBeEmpty();
    }

    [Fact]
    public void UncertainSubmissionWithoutAJob_OnceEveryConfirmedOneHasItsJob_IsToBeSubmittedAgain()
    {
        var (a, uncertain) = (Confirmed(1), Uncertain(2));

        var poll = Correlate([a, uncertain], watermark: 10, Job(11, "fulfilled"));

        Assigned(poll).ShouldBe([(a.Id, "11", InvocationStatus.Fulfilled)]);
        poll.NotSubmitted.ShouldBe([uncertain.Id]);
    }

    [Fact]
    public void UncertainSubmission_WhileAConfirmedJobIsNotListedYet_IsNotSettled()
    {
        var (a, b, uncertain) = (Confirmed(1), Confirmed(2), Uncertain(3));

        var poll = Correlate([a, b, uncertain], watermark: 10, Job(11, "executing"));

        Assigned(poll).ShouldBe([(a.Id, "11", InvocationStatus.Executing)]);
        poll.NotSubmitted.ShouldBeEmpty();
    }

    [Fact]
    public void AfterACrash_SeveralUncertain_ThoseThatMadeJobsAreTheFirst_TheRestAreSubmittedAgain()
    {
        var sent = Enumerable.Range(1, 4).Select(Uncertain).ToList();

        var poll = Correlate(sent, watermark: 10, Job(11, "fulfilled"), Job(12, "executing"));

        Assigned(poll).ShouldBe([(sent[0].Id, "11", InvocationStatus.Fulfilled), (sent[1].Id, "12", InvocationStatus.Executing)]);
        poll.NotSubmitted.ShouldBe([sent[2].Id, sent[3].Id]);
    }

    [Fact]
    public void MatchedJobs_ReportOnlyChanges_AndNeverTakeANewJob()
    {
        var running = Confirmed(1) with { ProviderJobId = "11", Status = InvocationStatus.Executing };
        var done = Confirmed(2) with { ProviderJobId = "12", Status = InvocationStatus.Executing };

        var poll = Correlate([running, done], watermark: 12, Job(12, "execution_failed"), Job(11, "executing"));

        Assigned(poll).ShouldBe([(done.Id, "12", InvocationStatus.ExecutionFailed)]);
        poll.Watermark.ShouldBe(12);
    }

    [Fact]
    public void JobsBeyondTheSubmissions_AreNotOurs_AndOnlyMoveTheWatermark()
    {
        var poll = Correlate([], watermark: 10, Job(11, "fulfilled"), Job(12, "fulfilled"));

        poll.Changes.ShouldBeEmpty();
        poll.Watermark.ShouldBe(12);
    }

    private static JobPoll Correlate(IReadOnlyList<Invocation> inFlight, long watermark, params MinAppJob[] jobs) =>
        MinAppJobCorrelator.Correlate(
            new JobWatch(inFlight, watermark),
            jobs,
            (job, id) => new JobChange(id, new ProviderOutcome(Parse(job.Status), ProviderJobId: job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static List<(Guid, string?, InvocationStatus)> Assigned(JobPoll poll) =>
        [.. poll.Changes.Select(change => (change.InvocationId, change.Outcome.ProviderJobId, change.Outcome.Status))];

    private static InvocationStatus Parse(string status)
    {
        InvocationStatusExtensions.TryParseWireName(status, out var parsed).ShouldBeTrue();
        return parsed;
    }

    private static MinAppJob Job(long id, string status) => new(id, status, null, null);

    private static Invocation Confirmed(int seq) => Uncertain(seq) with { Status = InvocationStatus.Waiting };

    private static Invocation Uncertain(int seq) => Http.HttpFunctionProviderTests.CreateInvocation() with
    {
        Status = InvocationStatus.Queued,
        SubmitSeq = seq,
        SubmittedAt = DateTimeOffset.UtcNow,
        Polled = true,
    };
}
