using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Embedded;

/// <summary>The default mode: nothing configured, in-memory bus and store, the in-process local cloud as the default target.</summary>
public sealed class EmbeddedModeTests : IAsyncLifetime
{
    private OrchestratorHost _host = null!;

    public async Task InitializeAsync() => _host = await OrchestratorHost.StartAsync(new Dictionary<string, string?>());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task PostWithWait_LocalCloudAdd_AnswersTheSum()
    {
        var response = await _host.Client.PostAsJsonAsync("/api/v1/invocations?wait=10", new { function = "add", data = new { x = 2, y = 3 } });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var invocation = await response.Content.ReadFromJsonAsync<JsonElement>();
        invocation.GetProperty("status").GetString().ShouldBe("fulfilled");
        invocation.GetProperty("target").GetString().ShouldBe("local-cloud");
        invocation.GetProperty("result").GetDouble().ShouldBe(5);
    }

    [Fact]
    public async Task PostWithoutWait_Answers202_ThenGetShowsTheOutcome()
    {
        var response = await _host.Client.PostAsJsonAsync("/api/v1/invocations", new { function = "fail", maxAttempts = 2 });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("invocationId").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/invocations/{id}");
        var invocation = await WaitForTerminal(id);
        invocation.GetProperty("status").GetString().ShouldBe("execution_failed");

        // The function threw: CloudBase says so (FUNCTION_INVOCATION_FAILED), so it is final and not retried.
        invocation.GetProperty("error").GetProperty("code").GetString().ShouldBe("FUNCTION_INVOCATION_FAILED");
        invocation.GetProperty("attempts").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task PublishedOnTheInMemoryBus_IsInvoked()
    {
        var id = Guid.NewGuid();

        await _host.Services.GetRequiredService<IBus>().Publish(new InvokeFunction
        {
            InvocationId = id, Function = "echo", Data = JsonSerializer.SerializeToElement(new { hello = "bus" }),
        });

        var invocation = await WaitForTerminal(id);
        invocation.GetProperty("status").GetString().ShouldBe("fulfilled");
        invocation.GetProperty("result").GetProperty("hello").GetString().ShouldBe("bus");
    }

    [Fact]
    public async Task UnknownFunction_RejectedByTheLocalCloud()
    {
        var response = await _host.Client.PostAsJsonAsync("/api/v1/invocations?wait=10", new { function = "nothing_here" });

        var invocation = await response.Content.ReadFromJsonAsync<JsonElement>();
        invocation.GetProperty("status").GetString().ShouldBe("execution_rejected");
        invocation.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("FUNCTION_NOT_FOUND");
    }

    [Fact]
    public async Task LocalCloud_WellKnownDevelopmentCredentialsAndTheFaultApi_AreNotServed()
    {
        var token = await _host.Client.PostAsJsonAsync(
            "/local-cloud/api/oauth2/hydrogen/openapi/authorize/", new { client_id = "local-client-id", client_secret = "local-client-secret" });
        var wechat = await _host.Client.GetAsync("/local-cloud/cgi-bin/token?grant_type=client_credential&appid=wxlocalapp&secret=local-app-secret");
        using var cloudBase = new HttpRequestMessage(HttpMethod.Post, "/local-cloud/v1/functions/echo") { Content = JsonContent.Create(new { }) };
        cloudBase.Headers.Authorization = new("Bearer", "local-api-key");
        var faults = await _host.Client.PutAsJsonAsync("/local-cloud/_localcloud/faults", Array.Empty<object>());

        token.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await wechat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errcode").GetInt32().ShouldBe(40013);
        (await _host.Client.SendAsync(cloudBase)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        faults.StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task BadJsonBody_Answers400NamingWhereItWentWrong()
    {
        var response = await _host.Client.PostAsync(
            "/api/v1/invocations", new StringContent("""{"function":"echo","mode":"later"}""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("$.mode");
    }

    [Fact]
    public async Task Start_TargetMissingASetting_FailsNamingTheKey()
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => OrchestratorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Orchestrator:Targets:shop:Provider"] = "http",
        }));

        failure.Message.ShouldContain("Orchestrator:Targets:shop:Url is required");
    }

    private async Task<JsonElement> WaitForTerminal(Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await _host.Client.GetAsync($"/api/v1/invocations/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var invocation = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (InvocationStatusExtensions.TryParseWireName(invocation.GetProperty("status").GetString(), out var status) && status.IsTerminal())
                {
                    return invocation;
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"invocation {id} did not finish within 30 s");
            await Task.Delay(20);
        }
    }
}
