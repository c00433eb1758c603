using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Providers.WeChat;

/// <summary>
/// WeChat cloud functions from a server: <c>POST {BaseUrl}/tcb/invokecloudfunction?access_token=&amp;env=&amp;name=</c>,
/// synchronous only. The stable access token is cached until shortly before it expires; when the platform calls it
/// invalid or expired (40001, 40014, 42001) a new one is fetched (forced when the platform still hands out the one it
/// rejected) and the call is made once more. <c>resp_data</c> holds the return value as a JSON string.
/// </summary>
internal sealed class WeChatProvider : IFunctionProvider, IDisposable
{
    private const string Who = "WeChat";

    private readonly HttpClient _client;
    private readonly TargetOptions _options;
    private readonly Lazy<Uri> _base;
    private readonly AccessTokenCache _tokens;

    public WeChatProvider(HttpClient client, TargetOptions options, SelfAddress selfAddress, TimeProvider timeProvider)
    {
        _client = client;
        _options = options;
        _base = ProviderHttp.BaseAddress(options, selfAddress);
        _tokens = new AccessTokenCache(FetchTokenAsync, timeProvider);
    }

    public async Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
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
                return exception.Outcome;
            }

            var query = $"tcb/invokecloudfunction?access_token={Uri.EscapeDataString(token)}&env={Uri.EscapeDataString(_options.Environment!)}&name={Uri.EscapeDataString(invocation.Function)}";
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base.Value, query))
            {
                // The platform wants a body, even an empty object.
                Content = new StringContent(invocation.Data.GetRawText(), Encoding.UTF8, "application/json"),
            };
            var answer = await ProviderHttp.SendAsync(_client, request, cancellationToken);
            if (answer.Unreachable is { } unreachable)
            {
                return unreachable;
            }

            if (answer.Status != HttpStatusCode.OK || ProviderHttp.TryParseJson(answer.Body) is not { ValueKind: JsonValueKind.Object } body)
            {
                return ProviderHttp.ClassifyStatus(answer.Status == HttpStatusCode.OK ? HttpStatusCode.BadGateway : answer.Status, answer.Body, Who);
            }

            var errcode = (int)(ProviderHttp.Number(body, "errcode") ?? 0);
            if (errcode is 40001 or 40014 or 42001 && attempt == 1)
            {
                _tokens.Invalidate(token);
                continue;
            }

            if (errcode == 0)
            {
                return ProviderOutcome.Fulfilled(ReadResult(body));
            }

            return Classify(errcode, ProviderHttp.Text(body, "errmsg"));
        }
    }

    /// <summary>The platform's errcodes, mapped to the orchestrator's statuses.</summary>
    internal static ProviderOutcome Classify(int errcode, string? message)
    {
        var code = errcode.ToString(CultureInfo.InvariantCulture);
        var error = new InvocationError("wechat", $"{Who} answered errcode {code}: {message}", code);
        return errcode switch
        {
            -1 or -501003 or -501004 => ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, error) with { Refused = true },
            -501001 => ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, error),
            -501002 or -604102 => ProviderOutcome.Final(InvocationStatus.DeadlineExceeded, error),
            -504001 or -504002 => ProviderOutcome.Final(InvocationStatus.ExecutionFailed, error),
            _ => ProviderOutcome.Final(InvocationStatus.ExecutionRejected, error),
        };
    }

    public void Dispose() => _tokens.Dispose();

    private static JsonElement? ReadResult(JsonElement body)
    {
        if (!body.TryGetProperty("resp_data", out var data) || data.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // resp_data is the return value serialized as a JSON string: parse it a second time.
        return data.ValueKind == JsonValueKind.String ? ProviderHttp.ParseResult(data.GetString()!) : data.Clone();
    }

    /// <summary>The stable token; forced only when the platform still hands out the token it just rejected.</summary>
    private async Task<TokenGrant> FetchTokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        var grant = await RequestTokenAsync(forceRefresh: false, cancellationToken);
        return rejected is not null && grant.Token == rejected ? await RequestTokenAsync(forceRefresh: true, cancellationToken) : grant;
    }

    private async Task<TokenGrant> RequestTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base.Value, "cgi-bin/stable_token"))
        {
            Content = JsonContent.Create(new { grant_type = "client_credential", appid = _options.AppId, secret = _options.AppSecret, force_refresh = forceRefresh }),
        };
        var answer = await ProviderHttp.SendAsync(_client, request, cancellationToken);
        if (answer.Unreachable is { } unreachable)
        {
            throw new TokenException(unreachable);
        }

        var body = answer.Status == HttpStatusCode.OK ? ProviderHttp.TryParseJson(answer.Body) : null;
        if (body is { ValueKind: JsonValueKind.Object } token && token.TryGetProperty("access_token", out var value) && value.ValueKind == JsonValueKind.String)
        {
            return new TokenGrant(value.GetString()!, ProviderHttp.Lifetime(token, 7200));
        }

        var errcode = body is { } failed ? (int?)ProviderHttp.Number(failed, "errcode") : null;
        throw new TokenException(errcode switch
        {
            -1 => Classify(-1, "the token endpoint is busy"),
            { } refused => ProviderOutcome.Final(InvocationStatus.ExecutionRejected, new InvocationError(
                "auth", $"{Who} refused the target's AppId and AppSecret (errcode {refused}).", refused.ToString(CultureInfo.InvariantCulture))),
            null => ProviderHttp.ClassifyStatus(answer.Status == HttpStatusCode.OK ? HttpStatusCode.BadGateway : answer.Status, answer.Body, $"{Who}'s token endpoint"),
        });
    }
}
