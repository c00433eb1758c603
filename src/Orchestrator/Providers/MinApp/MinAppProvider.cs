using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Providers.MinApp;

/// <summary>
/// MinApp (知晓云) cloud functions through the open API v1.3. <c>sync</c> invocations are one call that returns the
/// value (the platform's limit is 5 s); <c>async</c> ones are submitted with <c>sync=false</c> by the function's poller
/// and followed in the job list (see <see cref="MinAppJobCorrelator"/>), which carries no return value.
/// </summary>
internal sealed class MinAppProvider : IFunctionProvider, IJobPoller, IDisposable
{
    private const int MaxPagesPerPoll = 50;
    private const string Who = "MinApp";

    private readonly HttpClient _client;
    private readonly TargetOptions _options;
    private readonly Lazy<Uri> _base;
    private readonly Lazy<MinAppTokenSource> _tokenSource;
    private readonly AccessTokenCache _tokens;

    public MinAppProvider(HttpClient client, TargetOptions options, SelfAddress selfAddress, TimeProvider timeProvider)
    {
        _client = client;
        _options = options;
        _base = ProviderHttp.BaseAddress(options, selfAddress);
        _tokenSource = new(() => new MinAppTokenSource(client, _base.Value, options.ClientId!, options.ClientSecret!));
        _tokens = new AccessTokenCache((previous, token) => _tokenSource.Value.FetchAsync(previous, token), timeProvider);
    }

    public bool SubmitsInOrder(Invocation invocation) => invocation.Mode == InvocationMode.Async;

    /// <summary>A synchronous call: the value comes back in the answer.</summary>
    public async Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(() => JobRequest(invocation, sync: true), cancellationToken);
        if (answer.Failure is { } failure)
        {
            return failure;
        }

        if (ProviderHttp.TryParseJson(answer.Body) is not { } body || ProviderHttp.Number(body, "code") is not { } codeValue)
        {
            return ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, new InvocationError("provider", $"{Who} answered a sync job with an unexpected body{ProviderHttp.Excerpt(answer.Body)}"));
        }

        if (codeValue == 0)
        {
            return ProviderOutcome.Fulfilled(body.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null ? data.Clone() : null);
        }

        string? type = null, message = null;
        if (body.TryGetProperty("error", out var error))
        {
            (type, message) = (ProviderHttp.Text(error, "type"), ProviderHttp.Text(error, "message"));
        }

        var invocationError = new InvocationError(type ?? "function", message ?? "The function failed.");
        return type switch
        {
            "schedule_failed" => ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, invocationError),
            "deadline_exceeded" => ProviderOutcome.Final(InvocationStatus.DeadlineExceeded, invocationError),
            _ => ProviderOutcome.Final(InvocationStatus.ExecutionFailed, invocationError),
        };
    }

    /// <summary>An asynchronous submission: <c>{"status":"ok"}</c> means the job exists.</summary>
    public async Task<ProviderOutcome> SubmitAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(() => JobRequest(invocation, sync: false), cancellationToken);
        return answer.Failure ?? ProviderOutcome.Accepted(providerJobId: null);
    }

    /// <summary>
    /// One look at the function's job list, newest first, paging back until every job the watch needs was seen:
    /// those newer than the watermark, and the oldest one still in flight.
    /// </summary>
    public async Task<JobPoll> PollAsync(string function, JobWatch watch, CancellationToken cancellationToken)
    {
        var oldestNeeded = watch.Watermark is { } watermark ? watermark + 1 : long.MaxValue;
        foreach (var invocation in watch.InFlight)
        {
            if (invocation.ProviderJobId is { } id)
            {
                oldestNeeded = Math.Min(oldestNeeded, long.Parse(id, CultureInfo.InvariantCulture));
            }
        }

        // Before the first submission, one record is enough: the newest job is the watermark.
        var pageSize = watch.Watermark is null ? 1 : Math.Clamp(2 * watch.InFlight.Count, 20, _options.JobListPageSize);
        var jobs = new List<MinAppJob>();
        for (var page = 0; page < MaxPagesPerPoll; page++)
        {
            var offset = page * pageSize;
            var answer = await SendAsync(
                () => Authorized(HttpMethod.Get, $"oserve/v1.3/cloud-function/{Uri.EscapeDataString(function)}/job/?source=open_api&service_type=batch&limit={pageSize}&offset={offset}"),
                cancellationToken);
            if (answer.Failure is { } failure)
            {
                return JobPoll.Failed(failure, watch.Watermark);
            }

            var (records, more) = ReadPage(answer.Body);
            jobs.AddRange(records);
            if (watch.Watermark is null)
            {
                return new JobPoll([], [], records.Count > 0 ? records[0].Id : 0);
            }

            if (!more || records.Count < pageSize || records.Count == 0 || records[^1].Id <= oldestNeeded)
            {
                break;
            }
        }

        return MinAppJobCorrelator.Correlate(watch, jobs, ToChange);
    }

    public void Dispose() => _tokens.Dispose();

    private static JobChange ToChange(MinAppJob job, Guid invocationId)
    {
        var jobId = job.Id.ToString(CultureInfo.InvariantCulture);
        InvocationStatusExtensions.TryParseWireName(job.Status, out var status);
        var outcome = status switch
        {
            InvocationStatus.Waiting or InvocationStatus.Executing => ProviderOutcome.Accepted(jobId, status),
            InvocationStatus.Fulfilled => ProviderOutcome.Fulfilled(result: null, jobId),
            InvocationStatus.ExecutionFailed or InvocationStatus.DeadlineExceeded or InvocationStatus.ScheduleFailed or InvocationStatus.ExecutionRejected =>
                ProviderOutcome.Final(status, new InvocationError(job.Status, $"MinApp job {jobId} ended {job.Status}; its log at MinApp tells why.")) with { ProviderJobId = jobId },
            _ => ProviderOutcome.Accepted(jobId, InvocationStatus.Executing),
        };
        return new JobChange(invocationId, outcome, FromEpoch(job.StartedAt), FromEpoch(job.FinishedAt));
    }

    private static DateTimeOffset? FromEpoch(double? seconds) =>
        seconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds((long)(value * 1000)) : null;

    private static (List<MinAppJob> Records, bool More) ReadPage(string body)
    {
        var records = new List<MinAppJob>();
        var more = false;
        if (ProviderHttp.TryParseJson(body) is { ValueKind: JsonValueKind.Object } page)
        {
            more = page.TryGetProperty("meta", out var meta) && meta.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String;
            if (page.TryGetProperty("objects", out var objects) && objects.ValueKind == JsonValueKind.Array)
            {
                foreach (var job in objects.EnumerateArray())
                {
                    if (ProviderHttp.Number(job, "id") is { } id && ProviderHttp.Text(job, "status") is { } status)
                    {
                        records.Add(new MinAppJob((long)id, status, ProviderHttp.Number(job, "started_at"), ProviderHttp.Number(job, "finished_at")));
                    }
                }
            }
        }

        // Newest first, as the platform lists them; sorted here so a page's last record is its oldest whatever the order.
        records.Sort((a, b) => b.Id.CompareTo(a.Id));
        return (records, more);
    }

    private HttpRequestMessage JobRequest(Invocation invocation, bool sync)
    {
        var request = Authorized(HttpMethod.Post, $"oserve/v1.3/cloud-function/{Uri.EscapeDataString(invocation.Function)}/job/");
        request.Content = JsonContent.Create(new { data = invocation.Data, sync });
        return request;
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_base.Value, path));
        if (!string.IsNullOrEmpty(_options.Environment))
        {
            request.Headers.Add("X-Hydrogen-Env-ID", _options.Environment);
        }

        return request;
    }

    /// <summary>Sends with the cached token; a 401 fetches a new token and sends once more.</summary>
    private async Task<(string Body, ProviderOutcome? Failure)> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            string token;
            try
            {
                token = await _tokens.GetAsync(cancellationToken);
            }
            catch (TokenException exception)
            {
                return ("", exception.Outcome);
            }

            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var answer = await ProviderHttp.SendAsync(_client, request, cancellationToken);
            if (answer.Unreachable is { } unreachable)
            {
                return ("", unreachable);
            }

            if (answer.Status == HttpStatusCode.Unauthorized && attempt == 1)
            {
                _tokens.Invalidate(token);
                continue;
            }

            if (answer.Status == HttpStatusCode.OK)
            {
                return (answer.Body, null);
            }

            var failure = ProviderHttp.ClassifyStatus(answer.Status, answer.Body, Who);
            return ("", answer.Status switch
            {
                HttpStatusCode.NotFound => failure with { Error = failure.Error! with { Type = "function_not_found" } },
                HttpStatusCode.Unauthorized => failure with { Error = new InvocationError("auth", $"{Who} rejected a fresh access token (401).", "401") },
                _ => failure,
            });
        }
    }
}
