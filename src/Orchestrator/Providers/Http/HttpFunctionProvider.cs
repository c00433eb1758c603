using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Providers.Http;

/// <summary>
/// Any JSON webhook: POSTs the invocation's <c>data</c> and takes a 2xx body as the result.
/// 408, 429 and 5xx are transient; an unreachable endpoint is transient too; any other 4xx is a rejection.
/// </summary>
internal sealed class HttpFunctionProvider(HttpClient client, TargetOptions options, SelfAddress selfAddress) : IFunctionProvider
{
    private const int ErrorBodyExcerptLength = 500;

    public async Task<ProviderOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ResolveUrl(invocation.Function))
        {
            Content = JsonContent.Create(invocation.Data),
        };
        foreach (var (name, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return ProviderOutcome.Transient(
                InvocationStatus.ScheduleFailed,
                new InvocationError("unreachable", $"The function endpoint could not be reached: {exception.HttpRequestError}."));
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return Classify(response.StatusCode, body);
        }
    }

    internal static ProviderOutcome Classify(HttpStatusCode statusCode, string body)
    {
        var code = (int)statusCode;
        if (code is >= 200 and < 300)
        {
            return ProviderOutcome.Fulfilled(ParseResult(body));
        }

        var error = new InvocationError(
            "http",
            $"The function endpoint answered {code} {statusCode}{Excerpt(body)}",
            code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return statusCode switch
        {
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, error),
            HttpStatusCode.RequestTimeout => ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, error),
            _ when code >= 500 => ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, error),
            _ => ProviderOutcome.Final(InvocationStatus.ExecutionRejected, error),
        };
    }

    private static JsonElement? ParseResult(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON: the text itself is the result.
            return JsonSerializer.SerializeToElement(body);
        }
    }

    private static string Excerpt(string body) => string.IsNullOrWhiteSpace(body)
        ? "."
        : $": {(body.Length > ErrorBodyExcerptLength ? body[..ErrorBodyExcerptLength] + "…" : body)}";

    private Uri ResolveUrl(string function)
    {
        var url = options.Url!.Replace("{function}", Uri.EscapeDataString(function), StringComparison.Ordinal);
        return url.StartsWith('/') ? new Uri(selfAddress.BaseAddress, url) : new Uri(url);
    }
}
