using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Orchestrator.Api;
using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Persistence;
using RabbitMQ.Client;

namespace Orchestrator.IntegrationTests.Distributed;

[Collection(DistributedCollection.Name)]
public sealed class DistributedInvocationTests(DistributedFixture fixture)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task PublishedEnvelope_FunctionAnswers_ProducerReceivesFulfilledWithResult()
    {
        var id = Guid.NewGuid();

        await fixture.Producer.Bus.Publish(new InvokeFunction
        {
            InvocationId = id,
            Function = "echo",
            Data = Json($$"""{"key":"{{id}}","greeting":"hello"}"""),
            Tags = new Dictionary<string, string> { ["team"] = "checkout" },
        });

        var completed = await fixture.Producer.CompletionOf(id);
        completed.Status.ShouldBe(InvocationStatus.Fulfilled);
        completed.Function.ShouldBe("echo");
        completed.Target.ShouldBe("fn");
        completed.Result!.Value.GetProperty("greeting").GetString().ShouldBe("hello");
        completed.Attempts.ShouldBe(1);
        completed.Error.ShouldBeNull();
        completed.FinishedAt.ShouldNotBeNull();
        await PublishedInDatabase(id, "fulfilled");
    }

    [Fact]
    public async Task PublishedPlainJson_WithoutEnvelope_IsInvokedToo()
    {
        var id = Guid.NewGuid();
        var body = Encoding.UTF8.GetBytes($$$"""{"invocationId":"{{{id}}}","function":"echo","data":{"key":"{{{id}}}","n":7}}""");

        var factory = new ConnectionFactory { Uri = new Uri(TestServers.RabbitMq) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
            await channel.BasicPublishAsync("Orchestrator.Contracts:InvokeFunction", "", mandatory: false, properties, body);
        }

        var completed = await fixture.Producer.CompletionOf(id);
        completed.Status.ShouldBe(InvocationStatus.Fulfilled);
        completed.Result!.Value.GetProperty("n").GetInt32().ShouldBe(7);
    }

    [Theory]
    [InlineData("""{"data":{}}""", "function")]
    [InlineData("""{"function":"echo","data":[1,2,3]}""", "data")]
    [InlineData("""{"function":"echo","target":"nowhere"}""", "target")]
    public async Task PublishedInvalidRequest_EndsRejectedWithAnErrorNamingTheField(string json, string field)
    {
        var id = Guid.NewGuid();
        var request = JsonSerializer.Deserialize<InvokeFunction>(json, Web)! with { InvocationId = id };

        await fixture.Producer.Bus.Publish(request);

        var completed = await fixture.Producer.CompletionOf(id);
        completed.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        completed.Error!.Type.ShouldBe("validation");
        completed.Error.Message.ShouldStartWith($"{field}:");
        completed.Attempts.ShouldBe(0);
        await PublishedInDatabase(id, "execution_rejected");
    }

    [Fact]
    public async Task SameIdempotencyKeyTwice_OneInvocationOneCall_BothAnsweredWithItsOutcome()
    {
        var key = $"order-{Guid.NewGuid()}";
        var firstId = Guid.NewGuid();
        var request = new InvokeFunction { InvocationId = firstId, Function = "echo", IdempotencyKey = key, Data = Json($$"""{"key":"{{key}}"}""") };

        await fixture.Producer.Bus.Publish(request);
        var first = await fixture.Producer.CompletionOf(firstId);
        await fixture.Producer.Bus.Publish(request with { InvocationId = Guid.NewGuid() });

        await WaitUntil(() => fixture.Producer.CompletionCount(firstId) == 2);
        first.IdempotencyKey.ShouldBe(key);
        fixture.Functions.CallsFor(key).ShouldBe(1);
        (await CountInDatabase("idempotency_key = $1", key)).ShouldBe(1);
    }

    [Fact]
    public async Task TransientFailures_AreRetriedInsideTheOrchestrator_AndAttemptsCounted()
    {
        var id = Guid.NewGuid();

        await fixture.Producer.Bus.Publish(new InvokeFunction
        {
            InvocationId = id, Function = "flaky", MaxAttempts = 5, Data = Json($$"""{"key":"{{id}}","failures":2}"""),
        });

        var completed = await fixture.Producer.CompletionOf(id);
        completed.Status.ShouldBe(InvocationStatus.Fulfilled);
        completed.Attempts.ShouldBe(3);
        completed.Result!.Value.GetProperty("attempt").GetInt32().ShouldBe(3);
        fixture.Functions.CallsFor(id.ToString()).ShouldBe(3);
    }

    [Theory]
    [InlineData("status-400", 5, InvocationStatus.ExecutionRejected, 1)]
    [InlineData("status-404", 5, InvocationStatus.ExecutionRejected, 1)]
    [InlineData("status-503", 3, InvocationStatus.ScheduleFailed, 3)]
    [InlineData("status-429", 2, InvocationStatus.ScheduleFailed, 2)]
    [InlineData("status-500", 2, InvocationStatus.ExecutionFailed, 2)]
    public async Task FailingFunction_EndsInTheMappedStatus_AfterTheRightNumberOfCalls(
        string function, int maxAttempts, InvocationStatus expected, int expectedCalls)
    {
        var id = Guid.NewGuid();

        await fixture.Producer.Bus.Publish(new InvokeFunction
        {
            InvocationId = id, Function = function, MaxAttempts = maxAttempts, Data = Json($$"""{"key":"{{id}}"}"""),
        });

        var completed = await fixture.Producer.CompletionOf(id);
        completed.Status.ShouldBe(expected);
        completed.Attempts.ShouldBe(expectedCalls);
        completed.Error!.Code.ShouldBe(function["status-".Length..]);
        fixture.Functions.CallsFor(id.ToString()).ShouldBe(expectedCalls);
    }

    [Fact]
    public async Task RequestClient_GetsInvocationCompletedAsTheResponse()
    {
        var client = fixture.Producer.Bus.CreateRequestClient<InvokeFunction>(RequestTimeout.After(s: 30));
        var id = Guid.NewGuid();

        var response = await client.GetResponse<InvocationCompleted>(new InvokeFunction
        {
            InvocationId = id, Function = "echo", Data = Json($$"""{"key":"{{id}}"}"""),
        });

        response.Message.InvocationId.ShouldBe(id);
        response.Message.Status.ShouldBe(InvocationStatus.Fulfilled);
    }

    [Fact]
    public async Task HttpApi_PostWithWait_AnswersFinished_AndGetReadsItBackFromPostgres()
    {
        var id = Guid.NewGuid();

        var post = await fixture.Orchestrator.Client.PostAsJsonAsync(
            "/api/v1/invocations?wait=20",
            new { invocationId = id, function = "echo", data = new { key = id.ToString(), x = 1 } });

        post.StatusCode.ShouldBe(HttpStatusCode.OK);
        var finished = (await post.Content.ReadFromJsonAsync<JsonElement>())!;
        finished.GetProperty("status").GetString().ShouldBe("fulfilled");
        finished.GetProperty("result").GetProperty("x").GetInt32().ShouldBe(1);

        var get = await fixture.Orchestrator.Client.GetFromJsonAsync<JsonElement>($"/api/v1/invocations/{id}");
        get.GetProperty("invocationId").GetGuid().ShouldBe(id);
        get.GetProperty("status").GetString().ShouldBe("fulfilled");
        await PublishedInDatabase(id, "fulfilled");
        (await fixture.Producer.CompletionOf(id)).Status.ShouldBe(InvocationStatus.Fulfilled);
    }

    [Fact]
    public async Task HttpEndpointAnswering202WithLocation_IsPolledThere_UntilItAnswers()
    {
        var id = Guid.NewGuid();

        var post = await fixture.Orchestrator.Client.PostAsJsonAsync(
            "/api/v1/invocations?wait=20",
            new { invocationId = id, function = "async", data = new { key = id.ToString(), polls = 3, x = 7 } });

        post.StatusCode.ShouldBe(HttpStatusCode.OK);
        var finished = (await post.Content.ReadFromJsonAsync<JsonElement>())!;
        finished.GetProperty("status").GetString().ShouldBe("fulfilled");
        finished.GetProperty("result").GetProperty("x").GetInt32().ShouldBe(7);
        finished.GetProperty("providerJobId").GetString().ShouldStartWith(fixture.Functions.BaseAddress + "jobs/");
        finished.GetProperty("attempts").GetInt32().ShouldBe(1);
        fixture.Functions.CallsFor(id.ToString()).ShouldBe(1);
        await PublishedInDatabase(id, "fulfilled");
        (await fixture.Producer.CompletionOf(id)).Status.ShouldBe(InvocationStatus.Fulfilled);
    }

    [Fact]
    public async Task HttpApi_InvalidRequest_Answers400NamingTheFieldAndStoresNothing()
    {
        var id = Guid.NewGuid();

        var post = await fixture.Orchestrator.Client.PostAsJsonAsync("/api/v1/invocations", new { invocationId = id, data = new[] { 1 } });

        post.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await post.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty("function", out _).ShouldBeTrue();
        problem.GetProperty("errors").TryGetProperty("data", out _).ShouldBeTrue();
        (await CountInDatabase("id = $1", id)).ShouldBe(0);
    }

    [Fact]
    public async Task Ready_ChecksBrokerAndDatabase()
    {
        var ready = await fixture.Orchestrator.Client.GetAsync("/health/ready");

        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldBe("Healthy");
    }

    [Fact]
    public async Task InvocationAbandonedByADeadInstance_IsTakenOverAndItsOutcomePublished()
    {
        // What a crash leaves behind: a stored invocation, its lease held by an instance that is gone.
        var id = Guid.NewGuid();
        await using var writes = Persistence.GroupCommitTests.Create(fixture.Database);
        var store = new PostgresInvocationStore(fixture.Database, writes);
        var now = DateTimeOffset.UtcNow;
        await store.CreateAsync(
            new Invocation
            {
                Id = id,
                Function = "echo",
                Target = "fn",
                Data = Json($$"""{"key":"{{id}}"}"""),
                TimeoutSeconds = 30,
                MaxAttempts = 3,
                Status = InvocationStatus.Queued,
                CreatedAt = now.AddMinutes(-2),
                LeaseOwner = "crashed-instance",
                LeaseExpiresAt = now.AddSeconds(-1),
            },
            CancellationToken.None);

        var completed = await fixture.Producer.CompletionOf(id);

        completed.Status.ShouldBe(InvocationStatus.Fulfilled);
        await PublishedInDatabase(id, "fulfilled");
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>Waits until the row is marked published (that write follows the publish) and checks its status.</summary>
    private async Task PublishedInDatabase(Guid id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await StatusInDatabase(id) is (var stored, false))
        {
            stored.ShouldBe(status);
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"invocation {id} was not marked published within 30 s");
            await Task.Delay(20);
        }

        (await StatusInDatabase(id)).Status.ShouldBe(status);
    }

    private async Task<(string Status, bool Published)> StatusInDatabase(Guid id)
    {
        await using var command = fixture.Database.CreateCommand("SELECT status, outcome_published FROM invocations WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue($"invocation {id} is not in the database");
        return (reader.GetString(0), reader.GetBoolean(1));
    }

    private async Task<long> CountInDatabase(string condition, object value)
    {
        await using var command = fixture.Database.CreateCommand($"SELECT count(*) FROM invocations WHERE {condition}");
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the condition did not come true within 30 s");
            await Task.Delay(20);
        }
    }
}
