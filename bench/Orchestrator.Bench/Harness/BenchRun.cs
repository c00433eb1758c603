using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Orchestrator.Bench.Roles;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Harness;

/// <summary>
/// One run of the harness: starts the function endpoints and the orchestrator as processes of their own, drives every
/// workload and baseline from this process (the producer), and gathers what the report shows.
/// </summary>
internal sealed class BenchRun(BenchOptions options, string rabbitMq, string postgres, string logFolder) : IAsyncDisposable
{
    private static readonly string Repository = FindRepository();
    private static readonly string Configuration = typeof(BenchRun).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    private readonly Database database = new(postgres);

    // Names of this run's own, so a run never drops another's database.
    private readonly string orchestratorDatabase = $"bench_orchestrator_{Environment.ProcessId}";
    private readonly string quartzDatabase = $"bench_quartz_{Environment.ProcessId}";
    private readonly Meter meter = new();
    private readonly List<ChildProcess> children = [];
    private readonly HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly BenchResults results = new() { Options = options };
    private Producer? producer;
    private string endpointUrl = "";
    private string cloudUrl = "";
    private ChildProcess? orchestrator;
    private string orchestratorUrl = "";
    private long? settledCommits;

    public async Task<BenchResults> RunAsync()
    {
        results.Machine = new MachineInfo(Environment.ProcessorCount, (long)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Environment.OSVersion.ToString());
        results.Postgres = await database.DurabilityAsync();
        meter.NameServer(new Npgsql.NpgsqlConnectionStringBuilder(postgres).Port, "PostgreSQL");
        meter.NameServer(new Uri(rabbitMq).Port, "RabbitMQ");
        await database.RecreateAsync(orchestratorDatabase);
        await database.RecreateAsync(quartzDatabase);
        await StartEndpointAsync();
        await StartLocalCloudAsync();
        producer = await Producer.StartAsync(rabbitMq);

        if (options.Wants("a"))
        {
            Progress("baseline (a): bare MassTransit consumer round trips");
            await using var echo = await StartEchoConsumerAsync();
            await RoundsAsync("a", "Baseline (a): bare MassTransit consumer, round trip", options.Invocations, 5_000, count => producer.RunAsync(
                count, (id, i) => new EchoRequest { InvocationId = id, Function = "echo", Target = "fn", Data = Payload(i) }, null, Timeout(count)), false, null);
        }

        if (options.Wants("b"))
        {
            Progress("baseline (b): direct HTTP calls to endpoint (i)");
            await RoundsAsync("b", "Baseline (b): direct HTTP calls to endpoint (i), no queue", options.Invocations, 2_000, DirectCallsAsync, false, EndpointRequestsAsync);
        }

        if (options.Wants("c"))
        {
            Progress("baseline (c): Quartz.NET one-off jobs on its PostgreSQL AdoJobStore");
            await QuartzAsync();
        }

        await StartOrchestratorAsync();
        if (options.Wants("w1"))
        {
            Progress("workload 1: InvokeFunction to endpoint (i) through the http provider");
            var w1 = await RoundsAsync("w1", "Workload 1: InvokeFunction → endpoint (i) (http provider), pipelined", options.Invocations, 5_000, count => InvokeAsync(count, "fn", "echo", null), true, EndpointRequestsAsync);

            if (options.Wants("w4"))
            {
                var rate = w1.PerSecond / 2;
                Progress($"workload 4: steady load at {rate:F0}/s (half of workload 1's maximum)");
                await RoundsAsync("w4", $"Workload 4: steady {rate:F0}/s to endpoint (i) (50% of workload 1), {options.SteadySeconds} s", (int)(rate * options.SteadySeconds), 0, count => InvokeAsync(count, "fn", "echo", rate), true, EndpointRequestsAsync);
            }
        }

        if (options.Wants("w2"))
        {
            Progress("workload 2: InvokeFunction to the local cloud's MinApp surface, async");
            await RoundsAsync("w2", "Workload 2: InvokeFunction → MinApp no-op, async (submit + coalesced polling)", options.Invocations, 1_000, count => InvokeAsync(count, "minapp", "noop", null), true, () => TargetRequestsAsync("minapp"));
        }

        if (options.Wants("w3"))
        {
            Progress("workload 3: async invocations of a 2 s function");
            await RoundsAsync("w3", "Workload 3: InvokeFunction → MinApp 2 s function, async (polling cost)", options.SlowInvocations, 0, count => InvokeAsync(count, "minapp", "two_seconds", null), true, () => TargetRequestsAsync("minapp"));
        }

        if (options.Wants("inflight"))
        {
            Progress($"{options.InFlight:N0} async invocations in flight");
            await InFlightAsync();
        }

        return results;
    }

    /// <summary>
    /// A warm-up of <paramref name="warmup"/> (JIT, connection pools, tokens, the function's first load; none when 0), not
    /// reported, then the measured rounds of <paramref name="count"/>. Write transactions are counted per round;
    /// <c>xact_commit</c>, which PostgreSQL reports late, over all the rounds, from one settled reading to the next.
    /// </summary>
    private async Task<Workload> RoundsAsync(
        string key, string title, int count, int warmup, Func<int, Task<RoundTrips>> run, bool orchestrated, Func<Task<long>>? requests)
    {
        if (warmup > 0)
        {
            await run(Math.Min(count, warmup));
            settledCommits = null;
        }

        var workload = new Workload(key, title);
        results.Workloads.Add(workload);
        var commitsBefore = orchestrated ? settledCommits ?? await Database.SettledCommitsAsync(OrchestratorConnectionString, options.Smoke) : 0;
        for (var round = 1; round <= options.Rounds; round++)
        {
            var writesBefore = await Database.WriteTransactionsAsync(postgres);
            var requestsBefore = requests is null ? 0 : await requests();
            var measurement = meter.Start(orchestrator?.Id);
            var trips = await run(count);
            var usage = await measurement.StopAsync();
            if (!trips.Finished || trips.NotFulfilled > 0)
            {
                throw new InvalidOperationException($"{title}: {trips.Received:N0} of {trips.Sent:N0} replies arrived, {trips.NotFulfilled:N0} not fulfilled.");
            }

            double? writes = orchestrated ? (double)(await Database.WriteTransactionsAsync(postgres) - writesBefore) / trips.Received : null;
            double? perInvocation = requests is null ? null : (double)(await requests() - requestsBefore) / trips.Received;
            workload.Rounds.Add(new Round(trips, writes, perInvocation, usage));
            Progress($"  round {round}: {trips.PerSecond:F0}/s, p50 {trips.Latency.P50:F1} ms, p99 {trips.Latency.P99:F1} ms"
                + (writes is { } w ? $", {w:F3} write transactions/invocation" : "") + (perInvocation is { } r ? $", {r:F3} requests/invocation" : ""));
        }

        if (orchestrated)
        {
            settledCommits = await Database.SettledCommitsAsync(OrchestratorConnectionString, options.Smoke);
            workload.CommitsPerInvocation = (double)(settledCommits.Value - commitsBefore) / workload.Rounds.Sum(round => round.Trips.Received);
            Progress($"  {workload.CommitsPerInvocation:F3} commits/invocation (xact_commit over the rounds)");
        }

        return workload;
    }

    private Task<RoundTrips> InvokeAsync(int count, string target, string function, double? perSecond) => producer!.RunAsync(
        count, (id, i) => new InvokeFunction { InvocationId = id, Target = target, Function = function, Data = Payload(i) }, perSecond, Timeout(count));

    private async Task<RoundTrips> DirectCallsAsync(int count)
    {
        var latencies = new double[count];
        var url = $"{endpointUrl}/fn/echo";
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (i, token) =>
        {
            var sent = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync(url, Payload(i), token);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsStringAsync(token);
            latencies[i] = System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        });
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new RoundTrips(count, count, 0, true, seconds, seconds, count / seconds, Latency.Of(latencies));
    }

    private async Task QuartzAsync()
    {
        await using var quartz = ChildProcess.StartRole(
            "quartz", [database.ConnectionStringFor(quartzDatabase), $"{endpointUrl}/fn/quartz", $"{options.QuartzJobs}", $"{options.Rounds}", $"{options.Concurrency}", options.Smoke ? "smoke" : "full"], logFolder);
        var exit = await quartz.WaitForExitAsync(TimeSpan.FromMinutes(10));
        var lines = File.ReadAllLines(quartz.LogPath);
        var rounds = lines.Where(line => line.StartsWith('{')).Select(line => JsonSerializer.Deserialize<QuartzRound>(line, JsonSerializerOptions.Web)!).ToList();
        var commits = lines.LastOrDefault(line => line.StartsWith("commits ", StringComparison.Ordinal));
        if (exit != 0 || rounds.Count != options.Rounds || commits is null)
        {
            throw new InvalidOperationException($"The Quartz.NET baseline failed (exit {exit}):\n{quartz.Tail()}");
        }

        foreach (var (round, i) in rounds.Select((round, i) => (round, i + 1)))
        {
            Progress($"  round {i}: {round.PerSecond:F0} jobs/s, p50 {round.Latency.P50:F1} ms, p99 {round.Latency.P99:F1} ms, {round.WriteTransactionsPerJob:F2} write transactions/job");
        }

        results.Quartz = new QuartzResult(rounds, double.Parse(commits["commits ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        Progress($"  {results.Quartz.CommitsPerJob:F3} commits/job (xact_commit over the rounds)");
    }

    private async Task InFlightAsync()
    {
        var measurement = meter.Start(orchestrator!.Id);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var published = await producer!.PublishOnlyAsync(
            options.InFlight, (id, i) => new InvokeFunction { InvocationId = id, Target = "minapp", Function = "hold", Data = Payload(i), TimeoutSeconds = 3_600 });
        long accepted;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            accepted = await database.CountAsync(orchestratorDatabase, "SELECT count(*) FROM invocations WHERE function = 'hold'");
        }
        while (accepted < options.InFlight && System.Diagnostics.Stopwatch.GetElapsedTime(start) < TimeSpan.FromMinutes(5));

        var acceptSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Let the pollers work through a few ticks with everything in flight before reading the memory at rest.
        await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 2 : 5));
        var resident = Procfs.ResidentBytes(orchestrator.Id);
        var usage = await measurement.StopAsync();
        var finished = await database.CountAsync(orchestratorDatabase, "SELECT count(*) FROM invocations WHERE function = 'hold' AND outcome_published");
        if (accepted < options.InFlight)
        {
            throw new InvalidOperationException($"Only {accepted:N0} of {options.InFlight:N0} invocations were accepted within 5 minutes.");
        }

        results.InFlight = new InFlightResult(options.InFlight, published, acceptSeconds, accepted - finished, resident, usage.PeakResidentBytes);
        Progress($"  {accepted - finished:N0} in flight: {resident / 1e6:F0} MB resident (peak {usage.PeakResidentBytes / 1e6:F0} MB); accepted in {acceptSeconds:F1} s");
    }

    private async Task StartEndpointAsync()
    {
        endpointUrl = $"http://127.0.0.1:{FreePort()}";
        var endpoint = Track(ChildProcess.StartRole("endpoint", [endpointUrl], logFolder), "function endpoint (i)");
        await endpoint.WaitReadyAsync(async () => (await http.GetAsync($"{endpointUrl}/requests")).IsSuccessStatusCode, TimeSpan.FromSeconds(30));
    }

    private async Task StartLocalCloudAsync()
    {
        var functions = Directory.CreateDirectory(Path.Combine(logFolder, "functions")).FullName;
        File.WriteAllText(Path.Combine(functions, "noop.js"), "exports.main = async () => ({});");
        File.WriteAllText(Path.Combine(functions, "two_seconds.js"), "exports.main = () => new Promise((resolve) => setTimeout(() => resolve({}), 2000));");
        File.WriteAllText(Path.Combine(functions, "hold.js"), "exports.main = () => new Promise((resolve) => setTimeout(() => resolve({}), 3600000));");
        cloudUrl = $"http://127.0.0.1:{FreePort()}";
        var cloud = Track(ChildProcess.Start("localcloud", "dotnet", [Built("LocalCloud")], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = cloudUrl,
            ["Logging__LogLevel__Default"] = "Warning",
            ["LocalCloud__FunctionsPath"] = functions,
            ["LocalCloud__LoadSamples"] = "false",
            ["LocalCloud__MinApp__Clients__bench"] = "bench-secret",
            ["LocalCloud__MinApp__AsyncTimeLimitMilliseconds"] = "3600000",
        }, Path.GetDirectoryName(Built("LocalCloud"))!, logFolder), "local cloud (ii)");
        await cloud.WaitReadyAsync(async () => (await http.GetAsync(cloudUrl)).StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(60));
    }

    private async Task<ChildProcess> StartEchoConsumerAsync()
    {
        var echo = ChildProcess.StartRole("echo", [rabbitMq, $"{options.Concurrency}"], logFolder);
        meter.Name(echo.Id, "bare consumer (a)");
        await echo.WaitReadyAsync(() => Task.FromResult(echo.Tail().Contains("ready", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
        return echo;
    }

    private async Task StartOrchestratorAsync()
    {
        orchestratorUrl = $"http://127.0.0.1:{FreePort()}";
        orchestrator = Track(ChildProcess.Start("orchestrator", "dotnet", [Built("Orchestrator")], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = orchestratorUrl,
            ["ConnectionStrings__RabbitMq"] = rabbitMq,
            ["ConnectionStrings__Postgres"] = database.ConnectionStringFor(orchestratorDatabase),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Orchestrator__Messaging__ConcurrentMessageLimit"] = $"{options.Concurrency}",
            ["Orchestrator__DefaultTarget"] = "fn",
            ["Orchestrator__Targets__fn__Provider"] = "http",
            ["Orchestrator__Targets__fn__Url"] = $"{endpointUrl}/fn/{{function}}",
            ["Orchestrator__Targets__minapp__Provider"] = "minapp",
            ["Orchestrator__Targets__minapp__BaseUrl"] = cloudUrl,
            ["Orchestrator__Targets__minapp__ClientId"] = "bench",
            ["Orchestrator__Targets__minapp__ClientSecret"] = "bench-secret",
        }, Path.GetDirectoryName(Built("Orchestrator"))!, logFolder), "orchestrator");
        await orchestrator.WaitReadyAsync(async () => (await http.GetAsync($"{orchestratorUrl}/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60));
    }

    private string OrchestratorConnectionString => database.ConnectionStringFor(orchestratorDatabase);

    private async Task<long> EndpointRequestsAsync() => await http.GetFromJsonAsync<long>($"{endpointUrl}/requests");

    private async Task<long> TargetRequestsAsync(string target)
    {
        using var targets = JsonDocument.Parse(await http.GetStringAsync($"{orchestratorUrl}/api/v1/targets"));
        return targets.RootElement.GetProperty("objects").EnumerateArray()
            .Single(candidate => candidate.GetProperty("name").GetString() == target)
            .GetProperty("requests").GetInt64();
    }

    private ChildProcess Track(ChildProcess child, string role)
    {
        children.Add(child);
        meter.Name(child.Id, role);
        return child;
    }

    private static JsonElement Payload(int i) => JsonSerializer.SerializeToElement(new { n = i, note = "bench" });

    private static TimeSpan Timeout(int count) => TimeSpan.FromSeconds(60 + count / 50);

    private static string Built(string project) => Path.Combine(Repository, "src", project, "bin", Configuration, "net10.0", project + ".dll");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orchestrator.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The harness must run from inside the repository (Orchestrator.sln not found above it).");
    }

    private static void Progress(string message) => Console.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");

    public async ValueTask DisposeAsync()
    {
        if (producer is not null)
        {
            await producer.DisposeAsync();
        }

        foreach (var child in Enumerable.Reverse(children))
        {
            await child.DisposeAsync();
        }

        await database.DropAsync(orchestratorDatabase);
        await database.DropAsync(quartzDatabase);
        http.Dispose();
    }
}
