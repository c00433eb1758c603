using System.Collections.Concurrent;
using System.Text.Json;
using LocalCloud.Faults;
using Orchestrator.AsyncJobs;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Distributed;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.IntegrationTests.AsyncJobs;

/// <summary>
/// Asynchronous MinApp invocations end to end: submitted with <c>sync=false</c>, matched with their jobs in the job
/// list, polled until they end, stored in PostgreSQL and published on RabbitMQ.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class AsyncMinAppTests(DistributedFixture distributed, AsyncJobsFixture fixture) : IClassFixture<AsyncJobsFixture>, IAsyncLifetime
{
    private Producer Producer => distributed.Producer;

    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task AsyncInvocation_MovesQueuedWaitingExecuting_ThenEndsWithItsOwnJob()
    {
        await using var host = await fixture.StartOrchestratorAsync(_database);
        var id = await AsyncJobsFixture.PostAsync(host, new { tag = "lifecycle", ms = 800 });

        var seen = new List<string>();
        JsonElement invocation;
        do
        {
            invocation = await AsyncJobsFixture.GetAsync(host, id);
            var status = invocation.GetProperty("status").GetString()!;
            if (seen.LastOrDefault() != status)
            {
                seen.Add(status);
            }

            await Task.Delay(20);
        }
        while (!IsTerminal(invocation));

        seen.ShouldContain("executing");
        seen[^1].ShouldBe("fulfilled");
        seen.ShouldBe(seen.OrderBy(Rank).ToList(), "statuses only move forward");
        var completed = await Producer.CompletionOf(id);
        completed.Status.ShouldBe(InvocationStatus.Fulfilled);
        completed.Result.ShouldBeNull();
        completed.Attempts.ShouldBe(1);
        completed.StartedAt.ShouldNotBeNull();
        completed.DurationMs!.Value.ShouldBeGreaterThanOrEqualTo(700);
        fixture.Cloud.JobLogs("tagged")[completed.ProviderJobId!].ShouldContain("tag=lifecycle");
    }

    [Fact]
    public async Task ManyConcurrentSubmissions_WithInjected5xx_EveryInvocationGetsItsOwnJob_AndTheRightStatus()
    {
        await using var host = await fixture.StartOrchestratorAsync(_database, options => options.MaxConcurrency = 40);
        fixture.Cloud.Faults.Replace([new FaultRule { Surface = "minapp", Function = "tagged", ServerErrorRate = 0.1 }]);
        try
        {
            var ids = await Task.WhenAll(Enumerable.Range(0, 150).Select(i =>
                AsyncJobsFixture.PostAsync(host, new { tag = $"many-{i}", fail = i % 7 == 0, ms = i % 3 * 100 }, maxAttempts: 10)));

            var completed = await Task.WhenAll(ids.Select(Producer.CompletionOf)).WaitAsync(TimeSpan.FromSeconds(90));

            var logs = fixture.Cloud.JobLogs("tagged");
            completed.Select(c => c.ProviderJobId).Distinct().Count().ShouldBe(150);
            for (var i = 0; i < ids.Length; i++)
            {
                completed[i].InvocationId.ShouldBe(ids[i]);
                completed[i].Status.ShouldBe(i % 7 == 0 ? InvocationStatus.ExecutionFailed : InvocationStatus.Fulfilled, $"invocation {i}");
                logs[completed[i].ProviderJobId!].ShouldContain($"tag=many-{i}\n", customMessage: $"invocation {i} got job {completed[i].ProviderJobId}");
            }
        }
        finally
        {
            fixture.Cloud.Faults.Replace([]);
        }
    }

    [Fact]
    public async Task JobPastThePlatformsAsyncLimit_EndsDeadlineExceeded_AndOnePastOurTimeoutToo()
    {
        await using var host = await fixture.StartOrchestratorAsync(_database);

        var platform = await AsyncJobsFixture.PostAsync(host, new { tag = "over-platform", ms = AsyncJobsFixture.PlatformAsyncLimitMilliseconds + 1_000 });
        var ours = await AsyncJobsFixture.PostAsync(host, new { tag = "over-ours", ms = 1_500 }, timeoutSeconds: 1);

        var byPlatform = await Producer.CompletionOf(platform).WaitAsync(TimeSpan.FromSeconds(30));
        var byUs = await Producer.CompletionOf(ours).WaitAsync(TimeSpan.FromSeconds(30));
        byPlatform.Status.ShouldBe(InvocationStatus.DeadlineExceeded);
        byPlatform.Error!.Type.ShouldBe("deadline_exceeded");
        byUs.Status.ShouldBe(InvocationStatus.DeadlineExceeded);
        byUs.Error!.Type.ShouldBe("deadline");
    }

    [Fact]
    public async Task Restart_PollingResumesFromTheStore_AndEveryJobStillEndsRight()
    {
        var ids = new List<Guid>();
        await using (var first = await fixture.StartOrchestratorAsync(_database))
        {
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await AsyncJobsFixture.PostAsync(first, new { tag = $"restart-{i}", ms = 1_200 }));
            }

            // Stop once every job is submitted and none has finished.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((await Task.WhenAll(ids.Select(id => AsyncJobsFixture.GetAsync(first, id)))).Any(i => i.GetProperty("status").GetString() == "queued"))
            {
                DateTime.UtcNow.ShouldBeLessThan(deadline);
                await Task.Delay(20);
            }
        }

        await using var second = await fixture.StartOrchestratorAsync(_database);
        var completed = await Task.WhenAll(ids.Select(Producer.CompletionOf)).WaitAsync(TimeSpan.FromSeconds(60));

        var logs = fixture.Cloud.JobLogs("tagged");
        for (var i = 0; i < ids.Count; i++)
        {
            completed[i].Status.ShouldBe(InvocationStatus.Fulfilled);
            completed[i].Attempts.ShouldBe(1, "nothing was submitted twice");
            logs[completed[i].ProviderJobId!].ShouldContain($"tag=restart-{i}\n");
        }
    }

    [Fact]
    public async Task TwoInstances_OneFunctionIsPolledByOneAtATime_AndEveryJobEndsRight()
    {
        await using var first = await fixture.StartOrchestratorAsync(_database);
        await using var second = await fixture.StartOrchestratorAsync(_database);
        var pollers = new[] { first, second }.Select(host => host.Services.GetRequiredService<JobPollers>()).ToArray();
        var both = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                if (pollers.All(poller => poller.Polling.Contains(new JobChannelKey("mini", "tagged"))))
                {
                    Interlocked.Increment(ref both);
                }

                await Task.Delay(5);
            }
        });

        var ids = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            AsyncJobsFixture.PostAsync(i % 2 == 0 ? first : second, new { tag = $"pair-{i}", ms = 300 })));
        var completed = await Task.WhenAll(ids.Select(Producer.CompletionOf)).WaitAsync(TimeSpan.FromSeconds(60));
        await sampling.CancelAsync();
        await sampler;

        both.ShouldBe(0);
        var logs = fixture.Cloud.JobLogs("tagged");
        for (var i = 0; i < ids.Length; i++)
        {
            completed[i].Status.ShouldBe(InvocationStatus.Fulfilled);
            logs[completed[i].ProviderJobId!].ShouldContain($"tag=pair-{i}\n");
        }
    }

    private static bool IsTerminal(JsonElement invocation) =>
        InvocationStatusExtensions.TryParseWireName(invocation.GetProperty("status").GetString(), out var status) && status.IsTerminal();

    private static int Rank(string status) => status switch
    {
        "queued" => 0,
        "waiting" => 1,
        "executing" => 2,
        _ => 3,
    };
}
