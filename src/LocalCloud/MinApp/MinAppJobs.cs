using System.Text.Json.Nodes;
using LocalCloud.Functions;
using LocalCloud.Http;
using LocalCloud.Jobs;
using LocalCloud.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LocalCloud.MinApp;

/// <summary>
/// Runs MinApp jobs: each is recorded (<c>waiting</c>), waits for one of the app's slots (sync up to 2 s, async up to
/// 5 minutes, else <c>schedule_failed</c>), executes within its limit (sync 5 s, async 300 s), and is recorded again.
/// </summary>
public sealed class MinAppJobs(
    FunctionRuntime runtime,
    JobStore store,
    IOptions<LocalCloudOptions> options,
    IHostApplicationLifetime lifetime)
{
    private readonly MinAppOptions _options = options.Value.MinApp;

    public ConcurrencyGate Gate { get; } = new(options.Value.MinApp.ConcurrencyLimit);

    public Task<FunctionExecution> RunSyncAsync(FunctionDefinition function, JsonObject? data, string source, string? environment) =>
        RunAsync(store.Add(function.Id, source, sync: true), function, data, environment, sync: true);

    /// <summary>Records the job at once (so the job list shows it when the caller gets <c>{"status":"ok"}</c>) and runs it in the background.</summary>
    public void Submit(FunctionDefinition function, JsonObject? data, string source, string? environment)
    {
        var job = store.Add(function.Id, source, sync: false);
        _ = Task.Run(() => RunAsync(job, function, data, environment, sync: false));
    }

    /// <summary>The debug endpoint: a sync run that leaves no job record.</summary>
    public Task<FunctionExecution> DebugAsync(FunctionDefinition function, JsonObject? data, string subject) =>
        ExecuteInSlotAsync(null, function, Event(function, data, subject, store.ReserveId(), _options.SyncTimeLimitMilliseconds, null), sync: true);

    private Task<FunctionExecution> RunAsync(JobRecord job, FunctionDefinition function, JsonObject? data, string? environment, bool sync)
    {
        var limit = sync ? _options.SyncTimeLimitMilliseconds : _options.AsyncTimeLimitMilliseconds;
        return ExecuteInSlotAsync(job, function, Event(function, data, job.Source, job.Id, limit, environment), sync);
    }

    private async Task<FunctionExecution> ExecuteInSlotAsync(JobRecord? job, FunctionDefinition function, JsonObject @event, bool sync)
    {
        var stopping = lifetime.ApplicationStopping;
        var wait = TimeSpan.FromMilliseconds(sync ? _options.SyncScheduleWaitMilliseconds : _options.AsyncScheduleWaitMilliseconds);
        bool entered;
        try
        {
            entered = await Gate.TryEnterAsync(wait, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            entered = false;
        }

        if (!entered)
        {
            var failed = FunctionExecution.Failed(
                JobStatus.ScheduleFailed, "schedule_failed",
                $"no slot came free within {wait.TotalMilliseconds:0} ms: the app runs at most {Gate.Limit} jobs at once");
            Finish(job, failed);
            return failed;
        }

        try
        {
            if (job is not null)
            {
                store.Update(job, static (record, now) => (record.Status, record.StartedAt) = (JobStatus.Executing, now));
            }

            var limit = TimeSpan.FromMilliseconds(@event["timeLimitInMS"]!.GetValue<int>());
            var context = new JsonObject { ["jobId"] = @event["jobId"]?.DeepClone(), ["functionName"] = function.Name };
            FunctionExecution execution;
            try
            {
                execution = await runtime.ExecuteAsync(function, @event, context, limit, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                execution = FunctionExecution.Failed(JobStatus.ExecutionFailed, "Shutdown", "the local cloud stopped while the job ran");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Whatever went wrong, the job record must not stay "executing" for ever.
                execution = FunctionExecution.Failed(JobStatus.ExecutionFailed, "InternalError", exception.Message);
            }

            Finish(job, execution);
            return execution;
        }
        finally
        {
            Gate.Release();
        }
    }

    private void Finish(JobRecord? job, FunctionExecution execution)
    {
        if (job is null)
        {
            return;
        }

        store.Update(job, (record, now) =>
        {
            record.Status = execution.Status;
            record.FinishedAt = now;
            record.MemUsage = execution.MemoryBytes > 0 ? execution.MemoryBytes : null;
            record.Log = execution.Log;
        });
    }

    private JsonObject Event(FunctionDefinition function, JsonObject? data, string source, JsonNode jobId, int limitMs, string? environment) => new()
    {
        ["data"] = data?.DeepClone() ?? new JsonObject(),
        ["eventType"] = source,
        ["jobId"] = jobId,
        ["timeLimitInMS"] = limitMs,
        ["memoryLimitInMB"] = function.MemoryLimitInMB,
        ["env"] = new JsonObject { ["id"] = environment ?? "", ["name"] = environment ?? "production" },
    };
}
