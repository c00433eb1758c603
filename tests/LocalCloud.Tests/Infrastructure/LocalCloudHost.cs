using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalCloud.Tests.Infrastructure;

/// <summary>A real local cloud on a loopback port, with real Node.js workers.</summary>
public sealed class LocalCloudHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalCloudHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public ShiftableClock Clock => (ShiftableClock)_app.Services.GetRequiredService<TimeProvider>();

    public IServiceProvider Services => _app.Services;

    public static async Task<LocalCloudHost> StartAsync(Action<LocalCloudOptions>? configure = null, string prefix = "")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new ShiftableClock());
        builder.Services.AddLocalCloud(options =>
        {
            options.FunctionsPath = Path.Combine(AppContext.BaseDirectory, "Functions");
            configure?.Invoke(options);
        });
        var app = builder.Build();
        app.MapLocalCloud(prefix);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalCloudHost(app, new Uri(address + prefix + "/"));
    }

    /// <summary>An Open API access token, through the two-step flow (redirects followed, cookies kept).</summary>
    public async Task<string> MinAppTokenAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var code = await client.PostAsJsonAsync("api/oauth2/hydrogen/openapi/authorize/", new
        {
            client_id = global::LocalCloud.MinApp.MinAppOptions.DevelopmentClientId,
            client_secret = global::LocalCloud.MinApp.MinAppOptions.DevelopmentClientSecret,
        });
        code.EnsureSuccessStatusCode();
        var token = await client.PostAsJsonAsync("api/oauth2/access_token/", new
        {
            client_id = global::LocalCloud.MinApp.MinAppOptions.DevelopmentClientId,
            client_secret = global::LocalCloud.MinApp.MinAppOptions.DevelopmentClientSecret,
            grant_type = "authorization_code",
            code = (await code.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>(),
        });
        token.EnsureSuccessStatusCode();
        return (await token.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    /// <summary>A client whose requests carry an Open API bearer token.</summary>
    public async Task<HttpClient> MinAppClientAsync()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await MinAppTokenAsync());
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class HttpJson
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty JSON body");

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => Json(JsonSerializer.Serialize(value));
}
