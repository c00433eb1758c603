// Asynchronous MinApp invocations through the real orchestrator (embedded mode) and the local cloud, on loopback:
//   1. 1,000 concurrent invocations of one no-op function, and of one that takes 2 s: provider HTTP requests per
//      invocation (submit, polls and the token flow included), against naive polling (a request per job per tick).
//   2. 10,000 invocations over 10 functions with 10% injected 5xx at the local cloud: every one must end in its right
//      status with its own job (the job's log names the invocation), none lost.
//   dotnet run -c Release --project bench/AsyncJobs.Bench -- [--invocations 1000] [--spread 10000] [--rounds 3]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LocalCloud;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Jobs;
using Orchestrator;
using Orchestrator.Contracts;
using Orchestrator.Persistence;
using Orchestrator.Providers;

var invocations = Argument("--invocations", 1_000);
var spread = Argument("--spread", 10_000);
var rounds = Argument("--rounds", 3);

var functions = Directory.CreateTempSubdirectory("async-jobs-bench-");
File.WriteAllText(Path.Combine(functions.FullName, "noop.js"), "exports.main = async () => ({});");
File.WriteAllText(Path.Combine(functions.FullName, "two_seconds.js"), "exports.main = () => new Promise((resolve) => setTimeout(() => resolve({}), 2000));");
for (var i = 0; i < 10; i++)
{
    File.WriteAllText(Path.Combine(functions.FullName, $"tagged{i}.js"),
        "exports.main = async (event) => { console.log('tag=' + event.data.tag); if (event.data.fail) throw new Error('asked'); return {}; };");
}

var cloudBuilder = WebApplication.CreateBuilder();
cloudBuilder.WebHost.UseUrls("http://127.0.0.1:0");
cloudBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
cloudBuilder.Services.AddLocalCloud(options =>
{
    options.FunctionsPath = functions.FullName;
    options.LoadSamples = false;
    options.MinApp.Clients = new() { ["bench"] = "bench-secret" };
    options.MinApp.JobRetention = 10_000_000;
});
var cloud = cloudBuilder.Build();
cloud.MapLocalCloud();
await cloud.StartAsync();

var orchestratorBuilder = WebApplication.CreateBuilder();
orchestratorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
orchestratorBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
orchestratorBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Orchestrator:Targets:mini:Provider"] = "minapp",
    ["Orchestrator:Targets:mini:BaseUrl"] = cloud.Urls.First(),
    ["Orchestrator:Targets:mini:ClientId"] = "bench",
    ["Orchestrator:Targets:mini:ClientSecret"] = "bench-secret",
    ["Orchestrator:DefaultTarget"] = "mini",
    ["Orchestrator:Invocations:DefaultMaxAttempts"] = "10",
    ["Orchestrator:Invocations:DefaultTimeoutSeconds"] = "600",
});
orchestratorBuilder.AddOrchestrator();
var orchestrator = orchestratorBuilder.Build();
orchestrator.MapOrchestrator();
await orchestrator.StartAsync();
orchestrator.Services.GetRequiredService<TargetRegistry>().TryGet("mini", out var target);
var store = orchestrator.Services.GetRequiredService<IInvocationStore>();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(orchestrator.Urls.First()) };

await RunAsync("noop", 50);
var cost = new List<(string Workload, double Requests, double Seconds)>();
for (var round = 1; round <= rounds; round++)
{
    cost.Add(await MeasureAsync("no-op function", "noop"));
    cost.Add(await MeasureAsync("2 s function", "two_seconds"));
}

// Correctness: 10,000 invocations over 10 functions, 10% of the local cloud's MinApp answers a 500.
var faults = cloud.Services.GetRequiredService<FaultInjector>();
faults.Replace([new FaultRule { Surface = "minapp", ServerErrorRate = 0.1 }]);
var watch = Stopwatch.StartNew();
var requestsBefore = target!.Health.Requests;
var spreadIds = await PostAsync(spread, i => ($"tagged{i % 10}", new { tag = $"i{i}", fail = i % 13 == 0 }));
var finished = await WaitAsync(spreadIds);
var spreadSeconds = watch.Elapsed.TotalSeconds;
var spreadRequests = (double)(target.Health.Requests - requestsBefore) / spread;
faults.Replace([]);
var logs = new Dictionary<(string Function, string Job), string>();
var registry = cloud.Services.GetRequiredService<FunctionRegistry>();
var jobs = cloud.Services.GetRequiredService<JobStore>();
for (var f = 0; f < 10; f++)
{
    var function = $"tagged{f}";
    var (_, page) = jobs.Query(registry.Find(function)!.Id, new JobQuery(Limit: 100_000));
    foreach (var job in page)
    {
        logs[(function, job.Id.ToString(CultureInfo.InvariantCulture))] = jobs.FindLog(job.Id, job.LogKey) ?? "";
    }
}

int lost = 0, wrongStatus = 0, wrongJob = 0;
for (var i = 0; i < spread; i++)
{
    if (!finished.TryGetValue(spreadIds[i], out var invocation))
    {
        lost++;
        continue;
    }

    var expected = i % 13 == 0 ? InvocationStatus.ExecutionFailed : InvocationStatus.Fulfilled;
    wrongStatus += invocation.Status == expected ? 0 : 1;
    wrongJob += invocation.ProviderJobId is { } job && logs.TryGetValue(($"tagged{i % 10}", job), out var log) && log.Contains($"tag=i{i}\n", StringComparison.Ordinal) ? 0 : 1;
}

var noop = cost.Where(c => c.Workload == "no-op function").ToList();
var slow = cost.Where(c => c.Workload == "2 s function").ToList();
// Naive polling: the submit, then one status request per job every 200 ms while it runs (2 s here).
const double NaiveSlow = 1 + (2.0 / 0.2);
var report = new StringBuilder()
    .AppendLine($"# Asynchronous MinApp invocations ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)")
    .AppendLine()
    .AppendLine("`dotnet run -c Release --project bench/AsyncJobs.Bench`: the orchestrator (embedded mode) and the local cloud in one process, on loopback; the target's defaults (100 jobs in flight, polls every 200 ms to 5 s).")
    .AppendLine()
    .AppendLine($"## Provider requests per invocation ({invocations:N0} submitted at once, median of {rounds} rounds)")
    .AppendLine()
    .AppendLine("| function | requests per invocation | all done in | naive polling (1 submit + 1 request per job per 200 ms while it runs) |")
    .AppendLine("| --- | --- | --- | --- |")
    .AppendLine($"| no-op | {Median(noop.Select(c => c.Requests)):F3} | {Median(noop.Select(c => c.Seconds)):F1} s | ≥ 2 |")
    .AppendLine($"| 2 s | {Median(slow.Select(c => c.Requests)):F3} | {Median(slow.Select(c => c.Seconds)):F1} s | ≈ {NaiveSlow:F0} |")
    .AppendLine()
    .AppendLine($"Rounds: no-op {string.Join(", ", noop.Select(c => c.Requests.ToString("F3", CultureInfo.InvariantCulture)))}; 2 s {string.Join(", ", slow.Select(c => c.Requests.ToString("F3", CultureInfo.InvariantCulture)))}.")
    .AppendLine()
    .AppendLine($"## {spread:N0} invocations over 10 functions, 10% of the local cloud's MinApp answers a 500")
    .AppendLine()
    .AppendLine("| lost | wrong status | wrong job | requests per invocation | all done in |")
    .AppendLine("| --- | --- | --- | --- | --- |")
    .AppendLine($"| {lost} | {wrongStatus} | {wrongJob} | {spreadRequests:F3} | {spreadSeconds:F1} s |")
    .ToString();
Console.WriteLine(report);
var results = Path.Combine(FindRepositoryRoot(), "bench", "results");
Directory.CreateDirectory(results);
await File.WriteAllTextAsync(Path.Combine(results, "async-jobs.md"), report);
await File.WriteAllTextAsync(Path.Combine(results, "async-jobs.json"), JsonSerializer.Serialize(new
{
    invocations, rounds, cost, spread = new { invocations = spread, lost, wrongStatus, wrongJob, requestsPerInvocation = spreadRequests, seconds = spreadSeconds },
}, new JsonSerializerOptions { WriteIndented = true, IncludeFields = true }));
await orchestrator.StopAsync();
await cloud.StopAsync();
functions.Delete(recursive: true);
return lost + wrongStatus + wrongJob == 0 ? 0 : 1;

async Task<(string, double, double)> MeasureAsync(string name, string function)
{
    var before = target!.Health.Requests;
    var started = Stopwatch.StartNew();
    await RunAsync(function, invocations);
    return (name, (double)(target.Health.Requests - before) / invocations, started.Elapsed.TotalSeconds);
}

async Task RunAsync(string function, int count)
{
    var ids = await PostAsync(count, _ => (function, new { }));
    var done = await WaitAsync(ids);
    if (done.Values.Any(invocation => invocation.Status != InvocationStatus.Fulfilled))
    {
        throw new InvalidOperationException($"Some invocations of {function} did not succeed.");
    }
}

async Task<Guid[]> PostAsync(int count, Func<int, (string Function, object Data)> request)
{
    var ids = new Guid[count];
    await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
    {
        var (function, data) = request(i);
        ids[i] = Guid.NewGuid();
        using var response = await http.PostAsJsonAsync("/api/v1/invocations", new { invocationId = ids[i], function, data }, token);
        response.EnsureSuccessStatusCode();
    });
    return ids;
}

async Task<Dictionary<Guid, Orchestrator.Invocations.Invocation>> WaitAsync(Guid[] ids)
{
    var done = new Dictionary<Guid, Orchestrator.Invocations.Invocation>();
    var deadline = Stopwatch.StartNew();
    while (done.Count < ids.Length && deadline.Elapsed < TimeSpan.FromMinutes(5))
    {
        foreach (var id in ids)
        {
            if (!done.ContainsKey(id) && await store.GetAsync(id, CancellationToken.None) is { OutcomePublished: true } invocation)
            {
                done[id] = invocation;
            }
        }

        await Task.Delay(50);
    }

    return done;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static string FindRepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? Directory.GetCurrentDirectory();
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
