using LocalCloud.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalCloud.MinApp;

/// <summary>
/// The routes <c>minapp-sdk</c> (the client SDK) uses: anonymous login, the user info it reads right after, and
/// <c>BaaS.invoke</c>'s job route. Requests name their app in <c>X-Hydrogen-Client-ID</c>; a user token, when sent,
/// is <c>Authorization: Hydrogen-r1 &lt;token&gt;</c> and must be live.
/// </summary>
internal static class MinAppClientApi
{
    private const string TokenScheme = "Hydrogen-r1 ";

    public static void MapMinAppClient(this IEndpointRouteBuilder endpoints)
    {
        var client = endpoints.MapGroup("/hserve").AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            var auth = context.HttpContext.RequestServices.GetRequiredService<MinAppAuth>();
            var clientId = request.Headers["X-Hydrogen-Client-ID"].FirstOrDefault();
            if (!auth.IsClient(clientId))
            {
                return MinAppResults.Error(StatusCodes.Status401Unauthorized, "X-Hydrogen-Client-ID must name a known client.");
            }

            var header = request.Headers.Authorization.ToString();
            if (header.Length > 0 && !(header.StartsWith(TokenScheme, StringComparison.Ordinal) && auth.IsValidUserToken(clientId!, header[TokenScheme.Length..].Trim())))
            {
                return MinAppResults.Error(StatusCodes.Status401Unauthorized, "The user token is unknown or expired: log in again.");
            }

            return await next(context);
        });

        client.MapPost("/v2.0/login/anonymous/", (HttpRequest request, MinAppAuth auth) =>
        {
            var (token, userId) = auth.LoginAnonymously(request.Headers["X-Hydrogen-Client-ID"]!);
            return MinAppResults.Ok(new { token, expires_in = auth.TokenLifetimeSeconds, user_id = userId }, StatusCodes.Status201Created);
        });
        client.MapGet("/v2.5/user/info/{userId:long}/", (long userId) =>
            MinAppResults.Ok(new { id = userId, _anonymous = true, nickname = "", avatar = "", created_at = 0 }));
        client.MapPost("/v1/cloud-function/job/", (HttpContext context, [AsParameters] MinAppJobsApi.Services services) =>
            MinAppJobsApi.SubmitByBodyAsync(context, services, "sdk"));
    }
}
