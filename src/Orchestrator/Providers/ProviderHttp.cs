using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Providers;

/// <summary>What the providers share about talking HTTP: sending, reading bodies, and describing failures.</summary>
internal static class ProviderHttp
{
    private const int ErrorBodyExcerptLength = 500;

    /// <summary>Sends a request and reads the whole answer; an endpoint that cannot be reached is a transient failure.</summary>
    public static async Task<HttpAnswer> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new HttpAnswer(response.StatusCode, body, response.Headers, null);
        }
        catch (HttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new HttpAnswer(0, "", null, ProviderOutcome.Transient(
                InvocationStatus.ScheduleFailed,
                new InvocationError("unreachable", $"The target could not be reached: {exception.HttpRequestError}.")));
        }
    }

    /// <summary>A body as a result: JSON when it parses, else the text itself; nothing for an empty body.</summary>
    public static JsonElement? ParseResult(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        return TryParseJson(body) ?? JsonSerializer.SerializeToElement(body);
    }

    public static JsonElement? TryParseJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A number property of a JSON object; <see langword="null"/> when it is missing or not a number.</summary>
    public static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : null;

    /// <summary>A string property of a JSON object; <see langword="null"/> when it is missing or not a string.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A token's <c>expires_in</c>, or <paramref name="fallbackSeconds"/> when the answer has none.</summary>
    public static TimeSpan Lifetime(JsonElement token, int fallbackSeconds) =>
        TimeSpan.FromSeconds(Number(token, "expires_in") is > 0 and var seconds ? seconds : fallbackSeconds);

    /// <summary>An error body, shortened, for error messages.</summary>
    public static string Excerpt(string body) => string.IsNullOrWhiteSpace(body)
        ? "."
        : $": {(body.Length > ErrorBodyExcerptLength ? body[..ErrorBodyExcerptLength] + "…" : body)}";

    public static string Code(HttpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);

    /// <summary>The same classification the <c>http</c> provider uses, for answers a platform gives outside its own error codes.</summary>
    public static ProviderOutcome ClassifyStatus(HttpStatusCode status, string body, string who)
    {
        var code = (int)status;
        var error = new InvocationError("http", $"{who} answered {code} {status}{Excerpt(body)}", Code(status));
        return status switch
        {
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, error) with { Refused = true },
            HttpStatusCode.RequestTimeout => ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, error),
            _ when code >= 500 => ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, error),
            _ => ProviderOutcome.Final(InvocationStatus.ExecutionRejected, error),
        };
    }

    /// <summary>A configured URL: absolute, or a path resolved against this orchestrator's own address.</summary>
    public static Uri Resolve(string url, SelfAddress selfAddress) =>
        url.StartsWith('/') ? new Uri(selfAddress.BaseAddress, url) : new Uri(url);

    /// <summary>
    /// A platform target's <c>BaseUrl</c>, resolved on first use: a relative one needs this orchestrator's address,
    /// known only once it listens.
    /// </summary>
    public static Lazy<Uri> BaseAddress(TargetOptions options, SelfAddress selfAddress) =>
        new(() => Resolve(options.BaseUrl!.TrimEnd('/') + "/", selfAddress));

    public static bool IsHttpUrlOrPath(string? url) =>
        url is not null && (url.StartsWith('/')
            || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)));

    /// <summary>One message per required setting that is missing.</summary>
    public static IEnumerable<string> Require(string path, string provider, params (string Key, string? Value)[] settings) =>
        settings.Where(setting => string.IsNullOrWhiteSpace(setting.Value))
            .Select(setting => $"{path}:{setting.Key} is required for the {provider} provider.");

    public static HttpClient CreateClient(HttpMessageHandler handler) =>
        new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}

/// <summary>An HTTP answer, read whole; or, when there was none, the transient failure that stands for it.</summary>
internal readonly record struct HttpAnswer(HttpStatusCode Status, string Body, HttpResponseHeaders? Headers, ProviderOutcome? Unreachable);
