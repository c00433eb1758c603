using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Providers.Http;

/// <summary>
/// Any JSON webhook: POSTs the invocation's <c>data</c> and takes a 2xx body as the result. 408, 429 and 5xx are
/// transient; an unreachable endpoint is transient too; any other 4xx is a rejection. An endpoint that answers
/// <c>202 Accepted</c> with a <c>Location</c> runs the function on its own: the location is polled with GET, and
/// answers 202 while the job runs (optionally <c>{"status":"executing"}</c>), then the outcome as a call would.
/// </summary>
internal sealed class HttpFunctionProvider(HttpClient client, TargetOptions options, SelfAddress selfAddress) : IFunctionProvider, IJobPoller
{
    private const int PollConcurrency = 16;

    public async Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var url = ProviderHttp.Resolve(options.Url!.Replace("{function}", Uri.EscapeDataString(invocation.Function), StringComparison.Ordinal), selfAddress);
        using var request = CreateRequest(HttpMethod.Post, url);
        request.Content = JsonContent.Create(invocation.Data);
        var answer = await ProviderHttp.SendAsync(client, request, cancellationToken);
        if (answer.Unreachable is { } unreachable)
        {
            return unreachable;
        }

        return answer.Status == HttpStatusCode.Accepted && answer.Headers?.Location is { } location
            ? ProviderOutcome.Accepted(new Uri(url, location).AbsoluteUri)
            : Classify(answer.Status, answer.Body);
    }

    internal static ProviderOutcome Classify(HttpStatusCode statusCode, string body) =>
        (int)statusCode is >= 200 and < 300
            ? ProviderOutcome.Fulfilled(ProviderHttp.ParseResult(body))
            : ProviderHttp.ClassifyStatus(statusCode, body, "The function endpoint");

    public bool SubmitsInOrder(Invocation invocation) => false;

    public Task<ProviderOutcome> SubmitAsync(Invocation invocation, CancellationToken cancellationToken) => InvokeAsync(invocation, cancellationToken);

    /// <summary>Polls every job's location; a transient failure leaves the job as it was, to be polled again.</summary>
    public async Task<JobPoll> PollAsync(string function, JobWatch watch, CancellationToken cancellationToken)
    {
        var changes = new List<JobChange>();
        await Parallel.ForEachAsync(
            watch.InFlight.Where(invocation => invocation.ProviderJobId is not null),
            new ParallelOptions { MaxDegreeOfParallelism = PollConcurrency, CancellationToken = cancellationToken },
            async (invocation, token) =>
            {
                if (await PollOneAsync(invocation, token) is { } change)
                {
                    lock (changes)
                    {
                        changes.Add(change);
                    }
                }
            });
        return new JobPoll(changes, [], watch.Watermark);
    }

    private async Task<JobChange?> PollOneAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(HttpMethod.Get, new Uri(invocation.ProviderJobId!));
        var answer = await ProviderHttp.SendAsync(client, request, cancellationToken);
        if (answer.Unreachable is not null)
        {
            return null;
        }

        ProviderOutcome outcome;
        if (answer.Status == HttpStatusCode.Accepted)
        {
            var running = ProviderHttp.TryParseJson(answer.Body) is { ValueKind: JsonValueKind.Object } body
                && body.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String
                && InvocationStatusExtensions.TryParseWireName(status.GetString()!, out var parsed) && parsed == InvocationStatus.Executing;
            outcome = ProviderOutcome.Accepted(invocation.ProviderJobId, running ? InvocationStatus.Executing : InvocationStatus.Waiting);
            if (outcome.Status == invocation.Status)
            {
                return null;
            }
        }
        else
        {
            outcome = Classify(answer.Status, answer.Body) with { ProviderJobId = invocation.ProviderJobId };
            if (outcome.IsTransient)
            {
                return null;
            }
        }

        return new JobChange(invocation.Id, outcome);
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        foreach (var (name, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
