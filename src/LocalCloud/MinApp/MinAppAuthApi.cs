using LocalCloud.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalCloud.MinApp;

/// <summary>
/// MinApp's two-step token flow. <c>authorize/</c> answers through two redirects that need the cookie it sets (as
/// the real service does), then the code; <c>access_token/</c> trades the code, or a refresh token, for a token pair.
/// </summary>
internal static class MinAppAuthApi
{
    private const string AuthorizePath = "/api/oauth2/hydrogen/openapi/authorize/";
    private const string CookieName = "hydrogen_authorize";

    public static void MapMinAppAuth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AuthorizePath, Authorize);
        endpoints.MapGet(AuthorizePath + "confirm/", (HttpRequest request, MinAppAuth auth, LocalCloudOptions options) => Handoff(request, auth, options, complete: false));
        endpoints.MapGet(AuthorizePath + "code/", (HttpRequest request, MinAppAuth auth, LocalCloudOptions options) => Handoff(request, auth, options, complete: true));
        endpoints.MapPost("/api/oauth2/access_token/", AccessToken);
    }

    private static async Task<IResult> Authorize(HttpContext context, MinAppAuth auth, LocalCloudOptions options)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        if (!JsonBody.TryGetString(body, "client_id", out var clientId) || !JsonBody.TryGetString(body, "client_secret", out var clientSecret)
            || clientId is null || clientSecret is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, "client_id and client_secret are required strings.");
        }

        if (!auth.IsClient(clientId, clientSecret))
        {
            return MinAppResults.Error(StatusCodes.Status401Unauthorized, "Unknown client_id, or a wrong client_secret.");
        }

        var code = auth.IssueCode(clientId);
        if (!options.MinApp.AuthorizeRedirects)
        {
            return CodeResult(code, options);
        }

        var (ticket, cookie) = auth.BeginHandoff(code);
        context.Response.Cookies.Append(CookieName, cookie, new CookieOptions { HttpOnly = true, Path = "/" });
        return Results.Redirect(Location(context.Request, "confirm/", ticket));
    }

    private static IResult Handoff(HttpRequest request, MinAppAuth auth, LocalCloudOptions options, bool complete)
    {
        var code = auth.ContinueHandoff(request.Query["ticket"], request.Cookies[CookieName], complete);
        if (code is null)
        {
            return MinAppResults.Error(StatusCodes.Status401Unauthorized, "Unknown ticket, or the authorize cookie is missing: follow the redirects with cookies kept.");
        }

        return complete ? CodeResult(code, options) : Results.Redirect(Location(request, "code/", request.Query["ticket"]!));
    }

    private static IResult CodeResult(string code, LocalCloudOptions options) =>
        MinAppResults.Ok(new { code, expires_in = options.MinApp.CodeLifetimeSeconds });

    private static string Location(HttpRequest request, string step, string ticket)
    {
        var path = request.PathBase + request.Path;
        var root = path.Value![..(path.Value!.IndexOf(AuthorizePath, StringComparison.Ordinal) + AuthorizePath.Length)];
        return $"{root}{step}?ticket={Uri.EscapeDataString(ticket)}";
    }

    private static async Task<IResult> AccessToken(HttpContext context, MinAppAuth auth)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", error!);
        }

        JsonBody.TryGetString(body, "client_id", out var clientId);
        JsonBody.TryGetString(body, "client_secret", out var clientSecret);
        JsonBody.TryGetString(body, "grant_type", out var grantType);
        if (!auth.IsClient(clientId, clientSecret))
        {
            return OAuthError(StatusCodes.Status401Unauthorized, "invalid_client", "Unknown client_id, or a wrong client_secret.");
        }

        TokenPair? pair;
        switch (grantType)
        {
            case "authorization_code":
                JsonBody.TryGetString(body, "code", out var code);
                pair = auth.Exchange(clientId!, code);
                break;
            case "refresh_token":
                JsonBody.TryGetString(body, "refresh_token", out var refreshToken);
                pair = auth.Refresh(clientId!, refreshToken);
                break;
            default:
                return OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.");
        }

        return pair is null
            ? OAuthError(StatusCodes.Status400BadRequest, "invalid_grant", "The code or refresh token is unknown, expired or already used.")
            : MinAppResults.Ok(new
            {
                access_token = pair.AccessToken,
                token_type = "Bearer",
                expires_in = pair.ExpiresIn,
                refresh_token = pair.RefreshToken,
                scope = "read write",
            });
    }

    private static IResult OAuthError(int statusCode, string error, string description) =>
        MinAppResults.Ok(new { error, error_description = description }, statusCode);

    /// <summary>The bearer token of an Open API request, when it is a live one.</summary>
    public static bool IsAuthorized(HttpRequest request, MinAppAuth auth)
    {
        return auth.IsValidAccessToken(Secrets.Bearer(request.Headers.Authorization.ToString()));
    }
}
