// The benchmark harness. bench/run.sh starts RabbitMQ and PostgreSQL (or uses those named by ORCHESTRATOR_TEST_RABBITMQ
// and ORCHESTRATOR_TEST_POSTGRES) and runs this:
//   dotnet run -c Release --project bench/Orchestrator.Bench -- [--smoke] [--invocations N] [--rounds N] [--out DIR]
// It writes pipeline.md and pipeline.json under bench/results/ (a smoke run: under the --out folder, or a temporary one).
// The same executable plays the other processes' roles: endpoint URL | echo RABBITMQ CONCURRENCY | quartz ARGS.
using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Bench.Harness;
using Orchestrator.Bench.Roles;

switch (args.FirstOrDefault())
{
    case "endpoint":
        await FunctionEndpointRole.RunAsync(args[1]);
        return 0;
    case "echo":
        await EchoConsumerRole.RunAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    case "quartz":
        return await QuartzRole.RunAsync(args[1..]);
}

var options = BenchOptions.Parse(args);
var rabbitMq = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_RABBITMQ");
var postgres = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_POSTGRES");
if (string.IsNullOrWhiteSpace(rabbitMq) || string.IsNullOrWhiteSpace(postgres))
{
    Console.Error.WriteLine("ORCHESTRATOR_TEST_RABBITMQ and ORCHESTRATOR_TEST_POSTGRES must name the servers; bench/run.sh starts them and sets both.");
    return 2;
}

var output = options.Out ?? (options.Smoke ? Directory.CreateTempSubdirectory("bench-smoke-").FullName : Path.Combine(BenchRun.FindRepository(), "bench", "results"));
Directory.CreateDirectory(output);
var logs = Directory.CreateTempSubdirectory("bench-logs-").FullName;
Console.WriteLine($"[bench] process logs in {logs}");
var watch = Stopwatch.StartNew();
BenchResults results;
await using (var run = new BenchRun(options, rabbitMq, postgres, logs))
{
    results = await run.RunAsync();
}

results.TotalSeconds = watch.Elapsed.TotalSeconds;
var markdown = Report.Markdown(results);
Console.WriteLine(markdown);
await File.WriteAllTextAsync(Path.Combine(output, "pipeline.md"), markdown);
await File.WriteAllTextAsync(Path.Combine(output, "pipeline.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true }));
Console.WriteLine($"[bench] report written to {Path.Combine(output, "pipeline.md")} and pipeline.json ({results.TotalSeconds:F0} s)");
return 0;
