using System.Net;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.Providers;
using Orchestrator.Providers.Http;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Providers.Http;

public class HttpFunctionProviderTests
{
    [Fact]
    public async Task InvokeAsync_Success_PostsDataAndReturnsJsonBodyAsResult()
    {
        var handler = StubHttpHandler.Answering(HttpStatusCode.OK, """{"sum":3}""");
        var sut = CreateSut(handler, "http://functions.test/run/{function}", new() { ["X-Api-Key"] = "secret" });

        var outcome = await sut.InvokeAsync(CreateInvocation("add", """{"a":1,"b":2}"""), CancellationToken.None);

        outcome.Status.ShouldBe(InvocationStatus.Fulfilled);
        outcome.Result!.Value.GetProperty("sum").GetInt32().ShouldBe(3);
        var (request, body) = handler.Requests.ShouldHaveSingleItem();
        request.Method.ShouldBe(HttpMethod.Post);
        request.RequestUri.ShouldBe(new Uri("http://functions.test/run/add"));
        request.Headers.GetValues("X-Api-Key").ShouldBe(["secret"]);
        request.Content!.Headers.ContentType!.MediaType.ShouldBe("application/json");
        body.ShouldBe("""{"a":1,"b":2}""");
    }

    [Fact]
    public async Task InvokeAsync_TextBody_ResultIsTheText()
    {
        var sut = CreateSut(StubHttpHandler.Answering(HttpStatusCode.OK, "plain words"));

        var outcome = await sut.InvokeAsync(CreateInvocation(), CancellationToken.None);

        outcome.Result!.Value.GetString().ShouldBe("plain words");
    }

    [Fact]
    public async Task InvokeAsync_EmptyBody_ResultIsNull()
    {
        var sut = CreateSut(StubHttpHandler.Answering(HttpStatusCode.NoContent));

        var outcome = await sut.InvokeAsync(CreateInvocation(), CancellationToken.None);

        outcome.Status.ShouldBe(InvocationStatus.Fulfilled);
        outcome.Result.ShouldBeNull();
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    public async Task InvokeAsync_ClientError_IsFinalRejection(HttpStatusCode status)
    {
        var sut = CreateSut(StubHttpHandler.Answering(status, "nope"));

        var outcome = await sut.InvokeAsync(CreateInvocation(), CancellationToken.None);

        outcome.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        outcome.IsTransient.ShouldBeFalse();
        outcome.Error!.Code.ShouldBe(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        outcome.Error.Message.ShouldContain("nope");
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, InvocationStatus.ScheduleFailed)]
    [InlineData(HttpStatusCode.ServiceUnavailable, InvocationStatus.ScheduleFailed)]
    [InlineData(HttpStatusCode.RequestTimeout, InvocationStatus.ExecutionFailed)]
    [InlineData(HttpStatusCode.InternalServerError, InvocationStatus.ExecutionFailed)]
    [InlineData(HttpStatusCode.BadGateway, InvocationStatus.ExecutionFailed)]
    public async Task InvokeAsync_RetryableError_IsTransientWithStatusForWhenSpent(HttpStatusCode status, InvocationStatus whenSpent)
    {
        var sut = CreateSut(StubHttpHandler.Answering(status));

        var outcome = await sut.InvokeAsync(CreateInvocation(), CancellationToken.None);

        outcome.IsTransient.ShouldBeTrue();
        outcome.Status.ShouldBe(whenSpent);
    }

    [Fact]
    public async Task InvokeAsync_Unreachable_IsTransientScheduleFailure()
    {
        var sut = CreateSut(new StubHttpHandler((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused")));

        var outcome = await sut.InvokeAsync(CreateInvocation(), CancellationToken.None);

        outcome.IsTransient.ShouldBeTrue();
        outcome.Status.ShouldBe(InvocationStatus.ScheduleFailed);
        outcome.Error!.Type.ShouldBe("unreachable");
    }

    [Fact]
    public async Task InvokeAsync_LongErrorBody_IsCutInTheMessage()
    {
        var sut = CreateSut(StubHttpHandler.Answering(HttpStatusCode.BadRequest, new string('x', 5000)));

        var outcome = await sut.InvokeAsync(CreateInvocation(), CancellationToken.None);

        outcome.Error!.Message.Length.ShouldBeLessThan(700);
    }

    private static HttpFunctionProvider CreateSut(
        StubHttpHandler handler, string url = "http://functions.test/{function}", Dictionary<string, string>? headers = null) =>
        new(new HttpClient(handler), new TargetOptions { Provider = "http", Url = url, Headers = headers ?? [] }, selfAddress: null!);

    internal static Invocation CreateInvocation(string function = "f", string data = "{}") => new()
    {
        Id = Guid.NewGuid(),
        Function = function,
        Target = "t",
        Data = JsonDocument.Parse(data).RootElement.Clone(),
        TimeoutSeconds = 30,
        MaxAttempts = 3,
        Status = InvocationStatus.Queued,
        CreatedAt = DateTimeOffset.UnixEpoch,
    };
}
