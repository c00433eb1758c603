using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalCloud.Faults;
using LocalCloud.Functions;
using LocalCloud.Http;
using LocalCloud.Jobs;
using LocalCloud.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalCloud.MinApp;

/// <summary>MinApp's jobs: submit (sync or async), the job list with its filters and paging, debug, and the job logs.</summary>
internal static class MinAppJobsApi
{
    public const string Surface = "minapp";
    public const string LogsPath = "/_localcloud/minapp/job-logs";

    private static readonly string[] Sources = ["sdk", "open_api", "cloud_function", "flex_schema", "wechat_pay_success", "timer", "file_operation"];
    private static readonly string[] ServiceTypes = ["time_sensitive", "batch"];

    public static void MapMinAppJobs(this RouteGroupBuilder functions)
    {
        functions.MapPost("/{name}/job/", async (string name, HttpContext context, [AsParameters] Services services) =>
        {
            var (body, error) = await JsonBody.ReadObjectAsync(context.Request);
            return body is null
                ? MinAppResults.Error(StatusCodes.Status400BadRequest, error!)
                : await SubmitAsync(name, body, "open_api", context, services);
        });
        functions.MapGet("/{name}/job/", ListAsync);
        functions.MapPost("/{name}/debug/", DebugAsync);
    }

    /// <summary>The older form, <c>POST /oserve/v1/cloud-function/job/</c> with <c>function_name</c> in the body, and the client SDK's route.</summary>
    public static async Task<IResult> SubmitByBodyAsync(HttpContext context, Services services, string source)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        return !JsonBody.TryGetString(body, "function_name", out var name) || string.IsNullOrEmpty(name)
            ? MinAppResults.Error(StatusCodes.Status400BadRequest, "function_name must be a non-empty string.")
            : await SubmitAsync(name, body, source, context, services);
    }

    private static async Task<IResult> SubmitAsync(string name, JsonObject body, string source, HttpContext context, Services services)
    {
        if (MinAppResults.Fault(await services.Faults.ApplyAsync(Surface, name, context.RequestAborted), context) is { } fault)
        {
            return fault;
        }

        if (services.Registry.Find(name) is not { } function)
        {
            return MinAppResults.FunctionNotFound(name);
        }

        if (body["data"] is not (null or JsonObject))
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, "data must be an object ({} when there is nothing to pass).");
        }

        var sync = true;
        if (body["sync"] is { } syncNode && (syncNode.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False) || !bool.TryParse(syncNode.ToString(), out sync)))
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, "sync must be true or false.");
        }

        var data = body["data"] as JsonObject;
        var environment = context.Request.Headers["X-Hydrogen-Env-ID"].FirstOrDefault();
        if (!sync)
        {
            services.Jobs.Submit(function, data, source, environment);
            return MinAppResults.Ok(new { status = "ok" });
        }

        return MinAppResults.Ok(MinAppResults.SyncJob(await services.Jobs.RunSyncAsync(function, data, source, environment)));
    }

    private static async Task<IResult> ListAsync(string name, HttpContext context, [AsParameters] Services services)
    {
        if (MinAppResults.Fault(await services.Faults.ApplyAsync(Surface, name, context.RequestAborted), context) is { } fault)
        {
            return fault;
        }

        if (services.Registry.Find(name) is not { } function)
        {
            return MinAppResults.FunctionNotFound(name);
        }

        var request = context.Request;
        if (ReadQuery(request.Query, out var query) is { } invalid)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, invalid);
        }

        var (total, page) = services.Store.Query(function.Id, query);
        var logs = $"{request.Scheme}://{request.Host}{request.PathBase}{services.Endpoints.Prefix}{LogsPath}/";
        return MinAppResults.Ok(new
        {
            meta = Paging.Meta(request, query.Limit, query.Offset, total),
            objects = page.Select(job => new
            {
                id = job.Id,
                created_at = job.CreatedAt,
                started_at = job.StartedAt,
                finished_at = job.FinishedAt,
                mem_usage = job.MemUsage,
                service_type = job.ServiceType,
                source = job.Source,
                status = job.Status,
                user_log_url = $"{logs}{job.Id}.log?key={job.LogKey}",
            }),
        });
    }

    private static string? ReadQuery(IQueryCollection parameters, out JobQuery query)
    {
        query = new JobQuery();
        if (Paging.TryRead(parameters, out var limit, out var offset) is { } invalidPage)
        {
            return invalidPage;
        }

        string? source = parameters["source"], serviceType = parameters["service_type"], statusName = parameters["status"];
        if (source is not null && !Sources.Contains(source))
        {
            return $"source '{source}' is not one of {string.Join(", ", Sources)}.";
        }

        if (serviceType is not null && !ServiceTypes.Contains(serviceType))
        {
            return $"service_type '{serviceType}' is not one of {string.Join(", ", ServiceTypes)}.";
        }

        JobStatus? status = null;
        if (statusName is not null)
        {
            if (!JobStatusNames.TryParse(statusName, out var parsed))
            {
                return $"status '{statusName}' is not one of {string.Join(", ", JobStatusNames.Names)}.";
            }

            status = parsed;
        }

        if (Timestamp(parameters, "created_at__gte", out var gte) is { } invalidGte)
        {
            return invalidGte;
        }

        if (Timestamp(parameters, "created_at__lte", out var lte) is { } invalidLte)
        {
            return invalidLte;
        }

        query = new JobQuery(source, status, serviceType, gte, lte, limit, offset);
        return null;
    }

    private static string? Timestamp(IQueryCollection parameters, string key, out double? value)
    {
        value = null;
        if (!parameters.TryGetValue(key, out var text))
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !double.IsFinite(parsed))
        {
            return $"{key} must be a unix timestamp in seconds, not '{text}'.";
        }

        value = parsed;
        return null;
    }

    private static async Task<IResult> DebugAsync(string name, HttpContext context, [AsParameters] Services services)
    {
        if (MinAppResults.Fault(await services.Faults.ApplyAsync(Surface, name, context.RequestAborted), context) is { } fault)
        {
            return fault;
        }

        var (body, error) = await JsonBody.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        if (services.Registry.Find(name) is not { } function)
        {
            return MinAppResults.FunctionNotFound(name);
        }

        if (body["data"] is not JsonObject data)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, "data is required and must be an object ({} when there is nothing to pass).");
        }

        if (!JsonBody.TryGetString(body, "subject", out var subject) || (subject is not null && !Sources.Contains(subject)))
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, $"subject must be one of {string.Join(", ", Sources)}.");
        }

        if (subject == "flex_schema" && body["schema_id"]?.GetValueKind() != JsonValueKind.Number)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, "schema_id (an integer) is required when subject is flex_schema.");
        }

        var jobId = Secrets.NewToken(16);
        var execution = await services.Jobs.DebugAsync(function, data, subject ?? "sdk");
        if (execution.Status == JobStatus.ScheduleFailed)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, $"Task scheduling failed: {execution.Error!.Message}.");
        }

        return MinAppResults.Ok(new
        {
            billing_time = Math.Max(100, (int)Math.Ceiling(execution.DurationMs / 100) * 100),
            code = execution.Succeeded ? 0 : 1,
            data = execution.Succeeded ? execution.Data : default(JsonElement?),
            error = execution.Error is { } failure ? new { message = failure.Message, stack = failure.Stack, type = failure.Type } : (object)new { },
            execution_time = Math.Round(execution.DurationMs, 2),
            job_id = jobId,
            log = execution.Log,
            mem_usage = execution.MemoryBytes,
        });
    }

    /// <summary>A job's log, as the pre-signed <c>user_log_url</c> of its record points to it.</summary>
    public static IResult Log(long id, string? key, JobStore store) =>
        key is not null && store.FindLog(id, key) is { } log ? Results.Text(log, "text/plain; charset=utf-8") : Results.NotFound();

    /// <summary>What the job handlers need.</summary>
    internal sealed record Services(FunctionRegistry Registry, MinAppJobs Jobs, JobStore Store, FaultInjector Faults, LocalCloudEndpoints Endpoints);
}
