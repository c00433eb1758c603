using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Tests.Contracts;

public class ContractSerializationTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData(InvocationStatus.Queued, "queued")]
    [InlineData(InvocationStatus.Waiting, "waiting")]
    [InlineData(InvocationStatus.Executing, "executing")]
    [InlineData(InvocationStatus.Fulfilled, "fulfilled")]
    [InlineData(InvocationStatus.ExecutionFailed, "execution_failed")]
    [InlineData(InvocationStatus.DeadlineExceeded, "deadline_exceeded")]
    [InlineData(InvocationStatus.ExecutionRejected, "execution_rejected")]
    [InlineData(InvocationStatus.ScheduleFailed, "schedule_failed")]
    [InlineData(InvocationStatus.Cancelled, "cancelled")]
    public void Status_Serialized_IsSnakeCaseWireName(InvocationStatus status, string wireName)
    {
        JsonSerializer.Serialize(status, Web).ShouldBe($"\"{wireName}\"");
        JsonSerializer.Deserialize<InvocationStatus>($"\"{wireName}\"", Web).ShouldBe(status);
        status.ToWireName().ShouldBe(wireName);
        InvocationStatusExtensions.TryParseWireName(wireName, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(status);
    }

    [Fact]
    public void IsTerminal_OnlyForFinishedStatuses()
    {
        var terminal = Enum.GetValues<InvocationStatus>().Where(status => status.IsTerminal()).ToArray();

        terminal.ShouldBe([
            InvocationStatus.Fulfilled, InvocationStatus.ExecutionFailed, InvocationStatus.DeadlineExceeded,
            InvocationStatus.ExecutionRejected, InvocationStatus.ScheduleFailed, InvocationStatus.Cancelled]);
    }

    [Fact]
    public void InvokeFunction_FromCamelCaseJson_ReadsEveryField()
    {
        const string Json = """
            {"invocationId":"0b9f4c4e-8a4e-4c1e-9c55-0f5a1e4b7d10","function":"add","target":"prod","data":{"a":1},
             "mode":"sync","idempotencyKey":"k1","timeoutSeconds":9,"maxAttempts":2,"tags":{"team":"x"}}
            """;

        var message = JsonSerializer.Deserialize<InvokeFunction>(Json, Web)!;

        message.InvocationId.ShouldBe(Guid.Parse("0b9f4c4e-8a4e-4c1e-9c55-0f5a1e4b7d10"));
        message.Function.ShouldBe("add");
        message.Target.ShouldBe("prod");
        message.Data!.Value.GetProperty("a").GetInt32().ShouldBe(1);
        message.Mode.ShouldBe(InvocationMode.Sync);
        message.IdempotencyKey.ShouldBe("k1");
        message.TimeoutSeconds.ShouldBe(9);
        message.MaxAttempts.ShouldBe(2);
        message.Tags!["team"].ShouldBe("x");
    }

    [Fact]
    public void InvocationCompleted_Serialized_UsesCamelCaseAndWireStatus()
    {
        var completed = new InvocationCompleted
        {
            InvocationId = Guid.Empty,
            Function = "f",
            Target = "t",
            Status = InvocationStatus.ScheduleFailed,
            Error = new InvocationError("http", "busy", "429"),
        };

        var json = JsonSerializer.Serialize(completed, Web);

        json.ShouldContain("\"status\":\"schedule_failed\"");
        json.ShouldContain("\"error\":{\"type\":\"http\",\"message\":\"busy\",\"code\":\"429\"}");
    }
}
