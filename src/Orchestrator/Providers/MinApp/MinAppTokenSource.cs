using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Providers.MinApp;

/// <summary>
/// MinApp's two-step token flow: <c>authorize/</c> with the client id and secret, which answers through redirects that
/// need the cookie it sets (followed here, by hand, with the cookies kept), then <c>access_token/</c> for the code.
/// Later tokens come from the refresh grant while it works, and from the full flow again when it does not.
/// </summary>
internal sealed class MinAppTokenSource(HttpClient client, Uri baseAddress, string clientId, string clientSecret)
{
    private const int MaxRedirects = 5;
    private const string Who = "MinApp's token endpoint";

    private string? _refreshToken;

    public async Task<TokenGrant> FetchAsync(string? previous, CancellationToken cancellationToken)
    {
        if (_refreshToken is { } refreshToken)
        {
            _refreshToken = null;
            var refreshed = await GrantAsync(new { client_id = clientId, client_secret = clientSecret, grant_type = "refresh_token", refresh_token = refreshToken }, cancellationToken);
            if (refreshed is not null)
            {
                return refreshed;
            }
        }

        var code = await AuthorizeAsync(cancellationToken);
        return await GrantAsync(new { client_id = clientId, client_secret = clientSecret, grant_type = "authorization_code", code }, cancellationToken)
            ?? throw Refused("MinApp would not trade its own authorization code for a token.");
    }

    private async Task<string> AuthorizeAsync(CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        var url = new Uri(baseAddress, "api/oauth2/hydrogen/openapi/authorize/");
        using var first = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { client_id = clientId, client_secret = clientSecret }) };
        var answer = await SendAsync(first, cookies, cancellationToken);
        for (var redirects = 0; IsRedirect(answer.Status); redirects++)
        {
            if (redirects == MaxRedirects || answer.Headers?.Location is not { } location)
            {
                throw Transient($"{Who} redirected too often, or without a Location.");
            }

            url = new Uri(url, location);
            using var next = new HttpRequestMessage(HttpMethod.Get, url);
            answer = await SendAsync(next, cookies, cancellationToken);
        }

        if (answer.Status is HttpStatusCode.OK or HttpStatusCode.Created
            && ProviderHttp.TryParseJson(answer.Body) is { ValueKind: JsonValueKind.Object } body
            && ProviderHttp.Text(body, "code") is { } code)
        {
            return code;
        }

        throw Classify(answer, "ClientId and ClientSecret");
    }

    private async Task<TokenGrant?> GrantAsync(object grant, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "api/oauth2/access_token/")) { Content = JsonContent.Create(grant) };
        var answer = await SendAsync(request, cookies: null, cancellationToken);
        if (answer.Status == HttpStatusCode.OK
            && ProviderHttp.TryParseJson(answer.Body) is { ValueKind: JsonValueKind.Object } body
            && ProviderHttp.Text(body, "access_token") is { } token)
        {
            _refreshToken = ProviderHttp.Text(body, "refresh_token");

            // The lifetime is not documented; without one, an hour is assumed and a 401 refreshes it sooner.
            return new TokenGrant(token, ProviderHttp.Lifetime(body, 3600));
        }

        // A refused grant (an expired code or refresh token) is answered with the full flow; anything else is the platform's trouble.
        return (int)answer.Status is 400 or 401 ? null : throw Classify(answer, "ClientId and ClientSecret");
    }

    private async Task<HttpAnswer> SendAsync(HttpRequestMessage request, CookieContainer? cookies, CancellationToken cancellationToken)
    {
        if (cookies?.GetCookieHeader(request.RequestUri!) is { Length: > 0 } cookie)
        {
            request.Headers.Add("Cookie", cookie);
        }

        var answer = await ProviderHttp.SendAsync(client, request, cancellationToken);
        if (answer.Unreachable is { } unreachable)
        {
            throw new TokenException(unreachable);
        }

        if (cookies is not null && answer.Headers is not null && answer.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                cookies.SetCookies(request.RequestUri!, setCookie);
            }
        }

        return answer;
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static TokenException Classify(HttpAnswer answer, string settings)
    {
        var outcome = ProviderHttp.ClassifyStatus(answer.Status, answer.Body, Who);
        return outcome.IsTransient
            ? new TokenException(outcome)
            : Refused($"MinApp refused the target's {settings} ({(int)answer.Status}).");
    }

    private static TokenException Refused(string message) =>
        new(ProviderOutcome.Final(InvocationStatus.ExecutionRejected, new InvocationError("auth", message)));

    private static TokenException Transient(string message) =>
        new(ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, new InvocationError("auth", message)));
}
