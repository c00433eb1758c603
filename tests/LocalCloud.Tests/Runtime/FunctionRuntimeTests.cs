using System.Text.Json.Nodes;
using LocalCloud.Functions;
using LocalCloud.Jobs;
using LocalCloud.Runtime;
using LocalCloud.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LocalCloud.Tests.Runtime;

/// <summary>The Node.js runtime, on one worker so that jobs share an event loop.</summary>
public sealed class FunctionRuntimeTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);
    private LocalCloudHost _host = null!;

    private FunctionRuntime Runtime => _host.Services.GetRequiredService<FunctionRuntime>();

    private FunctionRegistry Registry => _host.Services.GetRequiredService<FunctionRegistry>();

    public async Task InitializeAsync() => _host = await LocalCloudHost.StartAsync(options =>
    {
        options.Workers = 1;
        options.UnresponsiveWorkerMilliseconds = 300;
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("exports.main = async (event, context) => event.x * 2", 42)]
    [InlineData("exports.main = function (event, callback) { setTimeout(() => callback(null, event.x * 2), 1) }", 42)]
    [InlineData("exports.main = (event) => event.x * 2", 42)]
    public async Task ExecuteAsync_EveryFunctionForm_ReturnsTheValue(string code, int expected)
    {
        var execution = await RunAsync(code, new JsonObject { ["x"] = 21 });

        execution.Status.ShouldBe(JobStatus.Fulfilled);
        execution.Data.GetInt32().ShouldBe(expected);
        execution.Error.ShouldBeNull();
        execution.MemoryBytes.ShouldBeGreaterThan(1_000_000);
        execution.DurationMs.ShouldBeGreaterThanOrEqualTo(0);
    }

    [Theory]
    [InlineData("exports.main = async () => { throw new RangeError('too far') }", "RangeError", "too far")]
    [InlineData("exports.main = (event, callback) => callback('plain reason')", "Error", "plain reason")]
    [InlineData("exports.main = (event, callback) => { setTimeout(() => { throw new TypeError('late') }, 1) }", "TypeError", "late")]
    public async Task ExecuteAsync_FunctionFails_ExecutionFailedWithItsError(string code, string type, string message)
    {
        var execution = await RunAsync(code);

        execution.Status.ShouldBe(JobStatus.ExecutionFailed);
        execution.Error!.Type.ShouldBe(type);
        execution.Error.Message.ShouldBe(message);
        execution.Log.ShouldContain("ERROR");
    }

    [Theory]
    [InlineData("exports.main = function (e, callback) { callback(null, 1) fot debug }", "SyntaxError")]
    [InlineData("module.exports.other = 1", "TypeError")]
    public async Task ExecuteAsync_CodeThatDoesNotLoad_ExecutionRejected(string code, string type)
    {
        var execution = await RunAsync(code);

        execution.Status.ShouldBe(JobStatus.ExecutionRejected);
        execution.Error!.Type.ShouldBe(type);
        execution.Error.Stack.ShouldNotContain("worker.js");
    }

    [Fact]
    public async Task ExecuteAsync_FunctionWritesToStdout_RepliesStayIntactAndTheWritesAreLogged()
    {
        var execution = await RunAsync("exports.main = async () => { process.stdout.write('no newline'); process.stdout.write('\\x1e{}\\n'); return 7 }");

        execution.Status.ShouldBe(JobStatus.Fulfilled);
        execution.Data.GetInt32().ShouldBe(7);
        execution.Log.ShouldContain("LOG no newline");
        Runtime.Replacements.ShouldBe(0);
    }

    [Fact]
    public async Task ExecuteAsync_DeeplyNestedResult_Returned()
    {
        var execution = await RunAsync("exports.main = async () => { let v = 1; for (let i = 0; i < 200; i++) v = { v }; return v }");

        execution.Status.ShouldBe(JobStatus.Fulfilled);
        execution.Data.GetRawText().Length.ShouldBeGreaterThan(800);
    }

    [Theory]
    [InlineData("exports.main = async () => { const e = new Error('x'); e.stack = 42; throw e }")]
    [InlineData("exports.main = async () => { const e = new Error('x'); e.name = 5; e.message = { deep: true }; throw e }")]
    [InlineData("exports.main = async () => { throw { not: 'an Error' } }")]
    public async Task ExecuteAsync_StrangeErrors_StillExecutionFailed(string code)
    {
        var execution = await RunAsync(code);

        execution.Status.ShouldBe(JobStatus.ExecutionFailed);
        execution.Error.ShouldNotBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_HugeLog_CappedAt64K()
    {
        var execution = await RunAsync("exports.main = async () => { console.log('x'.repeat(200000)); console.log('more'); return 1 }");

        execution.Log.Length.ShouldBeLessThan(70_000);
        execution.Log.ShouldContain("[log truncated]");
    }

    [Fact]
    public async Task ExecuteAsync_ManyJobsAtOnce_EachLogHoldsOnlyItsOwnLines()
    {
        var function = Registry.Find("wait")!;

        var executions = await Task.WhenAll(Enumerable.Range(0, 50).Select(tag => Runtime.ExecuteAsync(
            function, new JsonObject { ["tag"] = tag, ["ms"] = 50 - tag }, [], Limit, CancellationToken.None)));

        for (var tag = 0; tag < executions.Length; tag++)
        {
            executions[tag].Data.GetProperty("tag").GetInt32().ShouldBe(tag);
            var lines = executions[tag].Log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Length.ShouldBe(2);
            lines[0].ShouldEndWith($"LOG start {tag}");
            lines[1].ShouldEndWith($"LOG end {tag}");
        }
    }

    [Fact]
    public async Task ExecuteAsync_NewFunctionCalledManyTimesAtOnce_EveryCallGetsTheCode()
    {
        for (var round = 0; round < 30; round++)
        {
            var function = Registry.Create(Unique(), "exports.main = async (event) => event.n")!;
            using var start = new ManualResetEventSlim();
            var calls = Enumerable.Range(0, 8).Select(n => Task.Factory.StartNew(
                () =>
                {
                    start.Wait();
                    return Runtime.ExecuteAsync(function, new JsonObject { ["n"] = n }, [], Limit, CancellationToken.None);
                },
                TaskCreationOptions.LongRunning).Unwrap()).ToList();
            start.Set();

            var executions = await Task.WhenAll(calls);

            executions.Select(execution => execution.Error?.Message ?? execution.Data.GetInt32().ToString()).ShouldBe(Enumerable.Range(0, 8).Select(n => n.ToString()));
        }
    }

    [Fact]
    public async Task ExecuteAsync_NeverCallsBack_DeadlineExceededAndTheWorkerIsKept()
    {
        var pid = Runtime.WorkerProcessIds.Single();

        var execution = await Runtime.ExecuteAsync(Registry.Find("never")!, new JsonObject(), [], TimeSpan.FromMilliseconds(200), CancellationToken.None);

        execution.Status.ShouldBe(JobStatus.DeadlineExceeded);
        await Task.Delay(500);
        Runtime.WorkerProcessIds.Single().ShouldBe(pid);
        Runtime.Replacements.ShouldBe(0);
    }

    [Fact]
    public async Task ExecuteAsync_CpuLoop_KilledAtItsLimitAndTheOtherJobsStillEndWell()
    {
        var pid = Runtime.WorkerProcessIds.Single();
        var waiting = Enumerable.Range(0, 5).Select(tag => Runtime.ExecuteAsync(
            Registry.Find("wait")!, new JsonObject { ["tag"] = tag, ["ms"] = 100 }, [], Limit, CancellationToken.None)).ToList();

        var stuck = await Runtime.ExecuteAsync(Registry.Find("spin")!, new JsonObject(), [], TimeSpan.FromMilliseconds(300), CancellationToken.None);

        stuck.Status.ShouldBe(JobStatus.DeadlineExceeded);
        var others = await Task.WhenAll(waiting);
        others.ShouldAllBe(execution => execution.Status == JobStatus.Fulfilled);
        others.Select(execution => execution.Data.GetProperty("tag").GetInt32()).ShouldBe([0, 1, 2, 3, 4]);
        Runtime.Replacements.ShouldBe(1);
        Runtime.WorkerProcessIds.Single().ShouldNotBe(pid);
        (await RunAsync("exports.main = async () => 'alive'")).Data.GetString().ShouldBe("alive");
    }

    [Fact]
    public async Task ExecuteAsync_FunctionKillsItsWorker_ExecutionFailedAndAFreshWorkerTakesOver()
    {
        var execution = await Runtime.ExecuteAsync(Registry.Find("crash")!, new JsonObject(), [], Limit, CancellationToken.None);

        execution.Status.ShouldBe(JobStatus.ExecutionFailed);
        execution.Error!.Message.ShouldContain("exited with code 3");
        (await RunAsync("exports.main = async () => 'alive'")).Data.GetString().ShouldBe("alive");
        Runtime.Replacements.ShouldBe(1);
    }

    [Fact]
    public async Task ExecuteAsync_CodeChanges_TheNewVersionRuns()
    {
        var name = Unique();
        Registry.Create(name, "exports.main = async () => 1");
        (await Runtime.ExecuteAsync(Registry.Find(name)!, null, [], Limit, CancellationToken.None)).Data.GetInt32().ShouldBe(1);

        Registry.Update(name, null, "exports.main = async () => 2", null, null);

        (await Runtime.ExecuteAsync(Registry.Find(name)!, null, [], Limit, CancellationToken.None)).Data.GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task FunctionFolder_IndexForm_LoadsWithItsOwnModules()
    {
        var execution = await Runtime.ExecuteAsync(
            Registry.Find("folder_fn")!, new JsonObject { ["data"] = new JsonObject { ["name"] = "minapp" } }, [], Limit, CancellationToken.None);

        execution.Data.GetString().ShouldBe("hello, minapp");
    }

    private async Task<FunctionExecution> RunAsync(string code, JsonObject? @event = null)
    {
        var function = Registry.Create(Unique(), code)!;
        return await Runtime.ExecuteAsync(function, @event ?? [], [], Limit, CancellationToken.None);
    }

    private static string Unique() => "fn_" + Guid.NewGuid().ToString("N")[..8];
}
