using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Providers.CloudBase;

/// <summary>
/// Tencent CloudBase's HTTP API: <c>POST {BaseUrl}/v1/functions/{name}</c>, synchronous only (an asynchronous
/// invocation runs it on an orchestrator worker). Authenticated with a server API key, or with a client-credentials
/// token cached for its lifetime and fetched again when the platform reports it expired.
/// </summary>
internal sealed class CloudBaseProvider : IFunctionProvider, IDisposable
{
    private const string Who = "CloudBase";

    private readonly HttpClient _client;
    private readonly TargetOptions _options;
    private readonly Lazy<Uri> _base;
    private readonly AccessTokenCache? _tokens;

    public CloudBaseProvider(HttpClient client, TargetOptions options, SelfAddress selfAddress, TimeProvider timeProvider)
    {
        _client = client;
        _options = options;
        _base = ProviderHttp.BaseAddress(options, selfAddress);
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            _tokens = new AccessTokenCache((_, token) => FetchTokenAsync(token), timeProvider);
        }
    }

    public async Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            string token;
            try
            {
                token = _options.ApiKey is { Length: > 0 } apiKey ? apiKey : await _tokens!.GetAsync(cancellationToken);
            }
            catch (TokenException exception)
            {
                return exception.Outcome;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base.Value, $"v1/functions/{Uri.EscapeDataString(invocation.Function)}"))
            {
                Content = JsonContent.Create(invocation.Data),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (!string.IsNullOrEmpty(_options.Qualifier))
            {
                request.Headers.Add("X-Qualifier", _options.Qualifier);
            }

            var answer = await ProviderHttp.SendAsync(_client, request, cancellationToken);
            if (answer.Unreachable is { } unreachable)
            {
                return unreachable;
            }

            var requestId = answer.Headers?.TryGetValues("X-Request-Id", out var ids) == true ? ids.FirstOrDefault() : null;
            if ((int)answer.Status is >= 200 and < 300)
            {
                return ProviderOutcome.Fulfilled(ProviderHttp.ParseResult(answer.Body), requestId);
            }

            var (code, message) = ReadError(answer.Body);
            if (answer.Status == HttpStatusCode.Unauthorized && _tokens is not null && attempt == 1)
            {
                _tokens.Invalidate(token);
                continue;
            }

            return Classify(answer.Status, code, message, answer.Body) with { ProviderJobId = requestId };
        }
    }

    /// <summary>The platform's codes, mapped to the orchestrator's statuses; an unknown code goes by its HTTP status.</summary>
    internal static ProviderOutcome Classify(HttpStatusCode status, string? code, string? message, string body)
    {
        var error = new InvocationError("cloudbase", $"{Who} answered {(int)status} {code}: {message}", code);
        return code switch
        {
            "FUNCTION_NOT_FOUND" or "FUNCTION_QUALIFIER_NOT_FOUND" or "FUNCTION_PARAM_INVALID" or "FUNCTION_STATUS_ABNORMAL"
                or "EXCEED_REQUEST_SIZE_LIMIT" or "PERMISSION_DENIED" or "INVALID_ENV" or "EXCEED_AUTHORITY" or "ACTION_FORBIDDEN"
                or "INVALID_HOST" or "MISSING_CREDENTIALS" or "INVALID_CREDENTIALS" or "ACCESS_TOKEN_EXPIRED" =>
                ProviderOutcome.Final(InvocationStatus.ExecutionRejected, error),
            "FUNCTION_TIME_LIMIT_EXCEEDED" => ProviderOutcome.Final(InvocationStatus.DeadlineExceeded, error),
            "FUNCTION_INVOCATION_FAILED" or "FUNCTION_MEMORY_LIMIT_EXCEEDED" => ProviderOutcome.Final(InvocationStatus.ExecutionFailed, error),
            "EXCEED_CONCURRENT_REQUEST_LIMIT" or "EXCEED_RATELIMIT" or "FUNCTION_EXCEED_RESOURCE_LIMIT" =>
                ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, error) with { Refused = true },
            "SYS_ERR" or "SERVER_TIMEOUT" => ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, error),
            _ => ProviderHttp.ClassifyStatus(status, body, Who),
        };
    }

    public void Dispose() => _tokens?.Dispose();

    private static (string? Code, string? Message) ReadError(string body) =>
        ProviderHttp.TryParseJson(body) is { } error ? (ProviderHttp.Text(error, "code"), ProviderHttp.Text(error, "message")) : (null, null);

    private async Task<TokenGrant> FetchTokenAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base.Value, "auth/v1/token/clientCredential"))
        {
            Content = JsonContent.Create(new { grant_type = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.SecretId}:{_options.SecretKey}")));
        var answer = await ProviderHttp.SendAsync(_client, request, cancellationToken);
        if (answer.Unreachable is { } unreachable)
        {
            throw new TokenException(unreachable);
        }

        if (answer.Status == HttpStatusCode.OK && ProviderHttp.TryParseJson(answer.Body) is { ValueKind: JsonValueKind.Object } body
            && ProviderHttp.Text(body, "access_token") is { } token)
        {
            return new TokenGrant(token, ProviderHttp.Lifetime(body, 3600));
        }

        var outcome = ProviderHttp.ClassifyStatus(answer.Status, answer.Body, $"{Who}'s token endpoint");
        throw new TokenException(outcome.IsTransient
            ? outcome
            : ProviderOutcome.Final(InvocationStatus.ExecutionRejected, new InvocationError(
                "auth", $"{Who} refused the target's SecretId and SecretKey ({(int)answer.Status} {ReadError(answer.Body).Code}).")));
    }
}
