// No-op calls per second through the local cloud: MinApp sync jobs, MinApp async jobs (submit, then the job list
// until all are fulfilled), against a bare Kestrel endpoint answering the same shape (the HTTP round-trip baseline),
// all in this run, on loopback. Figures are medians over rounds.
//   dotnet run -c Release --project bench/LocalCloud.Bench -- [--calls 2000] [--concurrency 32] [--rounds 3]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalCloud;
using LocalCloud.MinApp;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

var calls = Argument("--calls", 2_000);
var concurrency = Argument("--concurrency", 32);
var rounds = Argument("--rounds", 3);

var builder = WebApplication.CreateBuilder();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddLocalCloud(options => options.MinApp.JobRetention = 10_000_000);
var app = builder.Build();
app.MapLocalCloud();
app.MapPost("/_bench/noop", () => Results.Json(new { code = 0, data = new { }, error = new { } }));
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(address + "/") };
http.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(http));
(await http.PostAsync("oserve/v1.3/cloud-function/", Json("""{"name": "noop", "function_code": "exports.main = (event, callback) => callback(null, {})"}"""))).EnsureSuccessStatusCode();
var sync = Json("""{"data": {}}""");
var async = Json("""{"data": {}, "sync": false}""");

await RunAsync("warm-up", "_bench/noop", sync, 200);
await RunAsync("warm-up", "oserve/v1.3/cloud-function/noop/job/", sync, 200);

var results = new List<Round>();
for (var round = 1; round <= rounds; round++)
{
    results.Add(await RunAsync("baseline: bare HTTP endpoint", "_bench/noop", sync, calls));
    results.Add(await RunAsync("MinApp sync job", "oserve/v1.3/cloud-function/noop/job/", sync, calls));
    results.Add(await RunAsyncJobsAsync(calls));
}

var summary = results.GroupBy(result => result.Name).Select(group => new
{
    workload = group.Key,
    callsPerSecond = Median(group.Select(result => result.PerSecond)),
    p50Ms = Median(group.Select(result => result.P50)),
    p95Ms = Median(group.Select(result => result.P95)),
    p99Ms = Median(group.Select(result => result.P99)),
    rounds = group.Select(result => Math.Round(result.PerSecond)).ToArray(),
}).ToList();
var baseline = summary[0].callsPerSecond;
var report = new StringBuilder()
    .AppendLine($"# Local cloud: no-op calls ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)")
    .AppendLine()
    .AppendLine($"{calls} calls per workload, {concurrency} in flight, median of {rounds} rounds; `dotnet run -c Release --project bench/LocalCloud.Bench`.")
    .AppendLine()
    .AppendLine("| workload | calls/s | vs baseline | p50 ms | p95 ms | p99 ms | rounds (calls/s) |")
    .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
foreach (var row in summary)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {row.workload} | {row.callsPerSecond:0} | {row.callsPerSecond / baseline:0.00} | {row.p50Ms:0.0} | {row.p95Ms:0.0} | {row.p99Ms:0.0} | {string.Join(", ", row.rounds)} |");
}

report.AppendLine().AppendLine("Async: calls/s is submits to all fulfilled in the job list; latencies are of the submit requests.");
var folder = Path.Combine(FindRepositoryRoot(), "bench", "results");
Directory.CreateDirectory(folder);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
await File.WriteAllTextAsync(Path.Combine(folder, $"localcloud-{stamp}.md"), report.ToString());
await File.WriteAllTextAsync(Path.Combine(folder, $"localcloud-{stamp}.json"), JsonSerializer.Serialize(new { calls, concurrency, rounds, summary }, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine(report);
await app.StopAsync();

async Task<Round> RunAsync(string name, string path, HttpContent body, int count)
{
    var latencies = new double[count];
    var payload = await body.ReadAsByteArrayAsync();
    var stopwatch = Stopwatch.StartNew();
    await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (index, cancellationToken) =>
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(payload) { Headers = { ContentType = new("application/json") } };
        using var response = await http.PostAsync(path, content, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode || answer.Contains("\"code\":1", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{name}: {(int)response.StatusCode} {answer}");
        }

        latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    });
    return Round.Of(name, count / stopwatch.Elapsed.TotalSeconds, latencies);
}

async Task<Round> RunAsyncJobsAsync(int count)
{
    var before = await FulfilledAsync();
    var stopwatch = Stopwatch.StartNew();
    var submits = await RunAsync("submit", "oserve/v1.3/cloud-function/noop/job/", async, count);
    while (await FulfilledAsync() - before < count)
    {
        if (stopwatch.Elapsed > TimeSpan.FromMinutes(2))
        {
            throw new TimeoutException("async jobs did not all finish within 2 minutes");
        }

        await Task.Delay(10);
    }

    return submits with { Name = "MinApp async jobs", PerSecond = count / stopwatch.Elapsed.TotalSeconds };
}

async Task<int> FulfilledAsync() =>
    (await http.GetFromJsonAsync<JsonObject>("oserve/v1.3/cloud-function/noop/job/?status=fulfilled&service_type=batch&limit=1"))!["meta"]!["total_count"]!.GetValue<int>();

static async Task<string> TokenAsync(HttpClient http)
{
    var credentials = new { client_id = MinAppOptions.DevelopmentClientId, client_secret = MinAppOptions.DevelopmentClientSecret };
    var code = (await (await http.PostAsJsonAsync("api/oauth2/hydrogen/openapi/authorize/", credentials)).Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>();
    var token = await http.PostAsJsonAsync("api/oauth2/access_token/", new { credentials.client_id, credentials.client_secret, grant_type = "authorization_code", code });
    return (await token.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
}

static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
        {
            return directory.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

internal sealed record Round(string Name, double PerSecond, double P50, double P95, double P99)
{
    public static Round Of(string name, double perSecond, double[] latencies)
    {
        Array.Sort(latencies);
        double At(double quantile) => latencies[Math.Min(latencies.Length - 1, (int)(quantile * latencies.Length))];
        return new Round(name, perSecond, At(0.50), At(0.95), At(0.99));
    }
}
