namespace Orchestrator.Bench.Roles;

/// <summary>
/// Endpoint (i): a trivial HTTP function that answers every POST at once with a small JSON echo of its body, and
/// counts the requests it received (<c>GET /requests</c>), so the cost measured is the caller's own.
/// </summary>
internal static class FunctionEndpointRole
{
    public static async Task RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        long requests = 0;
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref requests);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"echo":{{(body.Length == 0 ? "null" : body)}}}""", context.RequestAborted);
        });
        app.MapGet("/requests", () => Interlocked.Read(ref requests));
        await app.RunAsync();
    }
}
