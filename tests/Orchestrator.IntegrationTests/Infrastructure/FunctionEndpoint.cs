using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// HTTP functions on a Kestrel server on loopback, for the <c>http</c> provider to call:
/// <c>echo</c>; <c>status-NNN</c> (answers NNN); <c>flaky</c> (503 for the first <c>data.failures</c> calls
/// with the same <c>data.key</c>, then 200); <c>async</c> (202 with a <c>Location</c> that answers 202 for the first
/// <c>data.polls</c> GETs, <c>{"status":"executing"}</c> from the second on, then 200 with the data). Every call is counted by <c>data.key</c>.
/// </summary>
public sealed class FunctionEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, (JsonObject Data, int Polls)> _jobs = new();

    private FunctionEndpoint(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public string UrlTemplate => $"{BaseAddress}fn/{{function}}";

    public static async Task<FunctionEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var endpoint = new FunctionEndpoint(builder.Build());
        endpoint._app.MapPost("/fn/{function}", (string function, JsonObject data) => endpoint.Handle(function, data));
        endpoint._app.MapGet("/jobs/{id}", (string id) => endpoint.Poll(id));
        await endpoint._app.StartAsync();
        endpoint.BaseAddress = new Uri(endpoint._app.Urls.Single().TrimEnd('/') + "/");
        return endpoint;
    }

    /// <summary>How many calls carried <c>data.key</c> = <paramref name="key"/>.</summary>
    public int CallsFor(string key) => _calls.GetValueOrDefault(key);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private IResult StartJob(JsonObject data)
    {
        var id = Guid.NewGuid().ToString("N");
        _jobs[id] = (data, 0);
        return Results.Accepted($"/jobs/{id}");
    }

    private IResult Poll(string id)
    {
        if (!_jobs.TryGetValue(id, out var job))
        {
            return Results.NotFound();
        }

        var polls = job.Polls + 1;
        _jobs[id] = (job.Data, polls);
        return polls <= (job.Data["polls"]?.GetValue<int>() ?? 0)
            ? Results.Json(polls == 1 ? new { status = "waiting" } : new { status = "executing" }, statusCode: StatusCodes.Status202Accepted)
            : Results.Json(job.Data);
    }

    private IResult Handle(string function, JsonObject data)
    {
        var key = data["key"]?.GetValue<string>() ?? "";
        var calls = _calls.AddOrUpdate(key, 1, (_, count) => count + 1);
        if (function.StartsWith("status-", StringComparison.Ordinal))
        {
            return Results.Json(new { error = "as asked" }, statusCode: int.Parse(function["status-".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return function switch
        {
            "echo" => Results.Json(data),
            "flaky" when calls <= (data["failures"]?.GetValue<int>() ?? 0) => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
            "flaky" => Results.Json(new { attempt = calls }),
            "async" => StartJob(data),
            _ => Results.NotFound(),
        };
    }
}
