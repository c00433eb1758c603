using System.Collections.Specialized;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Orchestrator.Bench.Harness;
using Quartz;
using Quartz.Impl;

namespace Orchestrator.Bench.Roles;

/// <summary>
/// Baseline (c), what a .NET user would otherwise pick: the same calls as one-off Quartz.NET jobs on its PostgreSQL
/// AdoJobStore, clustered (so several instances could share the work, as the orchestrator's do), with as many worker
/// threads as the orchestrator handles messages and triggers acquired in batches of that size. Each job POSTs to
/// endpoint (i). Prints a JSON line per round (throughput, latency from scheduling to the job's end, write transactions per job) and
/// the database's commits per job over all rounds.
/// </summary>
internal static class QuartzRole
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 });
    private static Tracker? current;

    /// <param name="args">The connection string, the endpoint's URL, jobs per round, rounds, worker threads, smoke or full.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var (connectionString, url) = (args[0], args[1]);
        var jobs = int.Parse(args[2], CultureInfo.InvariantCulture);
        var rounds = int.Parse(args[3], CultureInfo.InvariantCulture);
        var threads = int.Parse(args[4], CultureInfo.InvariantCulture);
        var smoke = args[5] == "smoke";
        await CreateSchemaAsync(connectionString);
        var scheduler = await new StdSchedulerFactory(new NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = "bench",
            ["quartz.scheduler.instanceId"] = "AUTO",
            ["quartz.threadPool.maxConcurrency"] = $"{threads}",
            ["quartz.scheduler.batchTriggerAcquisitionMaxCount"] = $"{threads}",
            ["quartz.jobStore.type"] = "Quartz.Impl.AdoJobStore.JobStoreTX, Quartz",
            ["quartz.jobStore.driverDelegateType"] = "Quartz.Impl.AdoJobStore.PostgreSQLDelegate, Quartz",
            ["quartz.jobStore.tablePrefix"] = "qrtz_",
            ["quartz.jobStore.clustered"] = "true",
            ["quartz.jobStore.dataSource"] = "default",
            ["quartz.dataSource.default.provider"] = "Npgsql",
            // The pool setting the orchestrator's store uses too: no DISCARD ALL (a transaction of its own) per return to the pool.
            ["quartz.dataSource.default.connectionString"] = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString,
            // Required by the ADO store; never called, as the jobs carry no data (their number is in their name).
            ["quartz.serializer.type"] = "binary",
        }).GetScheduler();
        await scheduler.Start();

        // A warm-up batch first (JIT, connection pool), then the measured rounds.
        await RunBatchAsync(scheduler, url, Math.Min(200, jobs), "warmup");
        var commitsBefore = await Database.SettledCommitsAsync(connectionString, smoke);
        for (var round = 1; round <= rounds; round++)
        {
            var writesBefore = await Database.WriteTransactionsAsync(connectionString);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            using var stopSampling = new CancellationTokenSource();
            var peak = Procfs.PeakResidentAsync(Environment.ProcessId, stopSampling.Token);
            var (seconds, latency) = await RunBatchAsync(scheduler, url, jobs, $"round{round}");
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            await stopSampling.CancelAsync();
            var writes = await Database.WriteTransactionsAsync(connectionString) - writesBefore;
            Console.WriteLine(JsonSerializer.Serialize(
                new QuartzRound(jobs, seconds, jobs / seconds, latency, (double)writes / jobs, cpu / jobs * 1_000, await peak),
                JsonSerializerOptions.Web));
        }

        var commits = await Database.SettledCommitsAsync(connectionString, smoke) - commitsBefore;
        Console.WriteLine(FormattableString.Invariant($"commits {(double)commits / (jobs * rounds)}"));
        await scheduler.Shutdown(waitForJobsToComplete: true);
        return 0;
    }

    private static async Task<(double Seconds, Latency Latency)> RunBatchAsync(IScheduler scheduler, string url, int jobs, string group)
    {
        var tracker = current = new Tracker(url, jobs);
        var start = Stopwatch.GetTimestamp();

        // Scheduled from several tasks at once, as producers would; each ScheduleJob is a transaction of its own.
        await Parallel.ForAsync(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            tracker.Scheduled[i] = Stopwatch.GetTimestamp();
            var job = JobBuilder.Create<PostJob>().WithIdentity($"{i}", group).Build();
            var trigger = TriggerBuilder.Create().WithIdentity($"trigger-{i}", group).StartNow().Build();
            await scheduler.ScheduleJob(job, trigger, token);
        });
        await tracker.Done.WaitAsync(TimeSpan.FromMinutes(5));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (seconds, Latency.Of(Enumerable.Range(0, jobs).Select(i => Stopwatch.GetElapsedTime(tracker.Scheduled[i], tracker.Finished[i]).TotalMilliseconds)));
    }

    /// <summary>Creates Quartz's tables on first use, from Quartz's documented PostgreSQL schema.</summary>
    private static async Task CreateSchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var sql = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Roles", "quartz_postgres.sql"));
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The job: one POST to endpoint (i), as the orchestrator's http provider makes.</summary>
    private sealed class PostJob : IJob
    {
        public async Task Execute(IJobExecutionContext context)
        {
            var tracker = current!;
            var n = int.Parse(context.JobDetail.Key.Name, CultureInfo.InvariantCulture);
            using var response = await Http.PostAsJsonAsync(tracker.Url, new { n, note = "bench" }, context.CancellationToken);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsStringAsync(context.CancellationToken);
            tracker.Finish(n);
        }
    }

    private sealed class Tracker(string url, int jobs)
    {
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int finished;

        public string Url => url;

        public long[] Scheduled { get; } = new long[jobs];

        public long[] Finished { get; } = new long[jobs];

        public Task Done => done.Task;

        public void Finish(int n)
        {
            Finished[n] = Stopwatch.GetTimestamp();
            if (Interlocked.Increment(ref finished) == jobs)
            {
                done.TrySetResult();
            }
        }
    }
}
