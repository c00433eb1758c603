using Orchestrator.AsyncJobs;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.Persistence;
using Orchestrator.Providers;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Invocations;

public class InvocationServiceTests
{
    private static readonly InvocationError Busy = new("http", "busy", "503");

    private readonly InMemoryInvocationStore _store = new();
    private readonly IPublishEndpoint _publisher = Substitute.For<IPublishEndpoint>();
    private readonly InstanceIdentity _instance = new();

    [Fact]
    public async Task SubmitAsync_ProviderSucceeds_PublishesFulfilledOnlyAfterItIsStored()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Fulfilled(JsonSerializer.SerializeToElement(5)));
        var sut = CreateSut(provider);
        InvocationStatus? storedWhenPublished = null;
        _publisher.When(p => p.Publish(Arg.Any<InvocationCompleted>(), Arg.Any<CancellationToken>()))
            .Do(call => storedWhenPublished = _store.GetAsync(call.Arg<InvocationCompleted>().InvocationId, default).Result!.Status);

        var finished = await Submit(sut, Request());

        finished!.Status.ShouldBe(InvocationStatus.Fulfilled);
        finished.Result!.Value.GetInt32().ShouldBe(5);
        finished.Attempts.ShouldBe(1);
        storedWhenPublished.ShouldBe(InvocationStatus.Fulfilled);
        var stored = await _store.GetAsync(finished.Id, default);
        stored!.OutcomePublished.ShouldBeTrue();
        stored.LeaseOwner.ShouldBeNull();
        stored.StartedAt.ShouldNotBeNull();
        stored.FinishedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task SubmitAsync_TransientThenSuccess_RetriesAndCountsAttempts()
    {
        var provider = Scripted((attempt, _) => attempt < 3
            ? ProviderOutcome.Transient(InvocationStatus.ExecutionFailed, Busy)
            : ProviderOutcome.Fulfilled(null));
        var sut = CreateSut(provider);

        var finished = await Submit(sut, Request(maxAttempts: 5));

        finished!.Status.ShouldBe(InvocationStatus.Fulfilled);
        finished.Attempts.ShouldBe(3);
        provider.Calls.ShouldBe(3);
    }

    [Fact]
    public async Task SubmitAsync_TransientEveryTime_EndsWithItsStatusWhenAttemptsAreSpent()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Transient(InvocationStatus.ScheduleFailed, Busy));
        var sut = CreateSut(provider);

        var finished = await Submit(sut, Request(maxAttempts: 4));

        finished!.Status.ShouldBe(InvocationStatus.ScheduleFailed);
        finished.Error.ShouldBe(Busy);
        finished.Attempts.ShouldBe(4);
        provider.Calls.ShouldBe(4);
    }

    [Fact]
    public async Task SubmitAsync_FinalFailure_IsNotRetried()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Final(InvocationStatus.ExecutionRejected, new("http", "bad", "400")));
        var sut = CreateSut(provider);

        var finished = await Submit(sut, Request(maxAttempts: 5));

        finished!.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        provider.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task SubmitAsync_EveryAttemptHangs_FailsWithTimeoutAfterMaxAttempts()
    {
        var provider = Hanging();
        var sut = CreateSut(provider, target => target.AttemptTimeoutSeconds = 1);

        var finished = await Submit(sut, Request(maxAttempts: 2, timeoutSeconds: 30));

        finished!.Status.ShouldBe(InvocationStatus.ExecutionFailed);
        finished.Error!.Type.ShouldBe("timeout");
        finished.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task SubmitAsync_RunsPastItsTimeout_EndsDeadlineExceeded()
    {
        var provider = Hanging();
        var sut = CreateSut(provider);

        var finished = await Submit(sut, Request(timeoutSeconds: 1));

        finished!.Status.ShouldBe(InvocationStatus.DeadlineExceeded);
        finished.Error!.Message.ShouldContain("1 s");
    }

    [Theory]
    [InlineData("""{"data":{}}""", "function")]
    [InlineData("""{"function":"f","target":"nowhere"}""", "target")]
    [InlineData("""{"function":"f","data":[1,2]}""", "data")]
    [InlineData("""{"function":"f","data":"text"}""", "data")]
    [InlineData("""{"function":"f","maxAttempts":0}""", "maxAttempts")]
    [InlineData("""{"function":"f","timeoutSeconds":100000}""", "timeoutSeconds")]
    public async Task SubmitAsync_InvalidRequest_StoredAndPublishedRejectedNamingTheField(string json, string field)
    {
        var provider = Scripted((_, _) => ProviderOutcome.Fulfilled(null));
        var sut = CreateSut(provider);
        var request = JsonSerializer.Deserialize<InvokeFunction>(json, JsonSerializerOptions.Web)!;

        var finished = await Submit(sut, request);

        finished!.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        finished.Error!.Type.ShouldBe("validation");
        finished.Error.Message.ShouldStartWith($"{field}:");
        provider.Calls.ShouldBe(0);
        (await _store.GetAsync(finished.Id, default))!.Status.ShouldBe(InvocationStatus.ExecutionRejected);
        await _publisher.Received(1).Publish(
            Arg.Is<InvocationCompleted>(c => c.InvocationId == finished.Id && c.Status == InvocationStatus.ExecutionRejected),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task SubmitAsync_SameIdempotencyKeyTwice_YieldsOneInvocationAndRepeatsItsOutcome()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Fulfilled(null));
        var sut = CreateSut(provider);

        var first = await Submit(sut, Request() with { IdempotencyKey = "order-17" });
        var second = await Submit(sut, Request() with { IdempotencyKey = "order-17" });

        second!.Id.ShouldBe(first!.Id);
        provider.Calls.ShouldBe(1);
        await _publisher.Received(2).Publish(Arg.Is<InvocationCompleted>(c => c.InvocationId == first.Id), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task SubmitAsync_RepeatWhileAnotherInstanceHoldsIt_LeavesItToThem()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Fulfilled(null));
        var sut = CreateSut(provider);
        var held = await _store.CreateAsync(Held("other-instance", DateTimeOffset.UtcNow.AddMinutes(5)), default);

        var finished = await Submit(sut, Request() with { InvocationId = held.Invocation.Id });

        finished.ShouldBeNull();
        provider.Calls.ShouldBe(0);
        await _publisher.DidNotReceiveWithAnyArgs().Publish(default(InvocationCompleted)!, default);
    }

    [Fact]
    public async Task SubmitAsync_RepeatAfterTheHolderDied_TakesOverAndFinishes()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Fulfilled(null));
        var sut = CreateSut(provider);
        var held = await _store.CreateAsync(Held("dead-instance", DateTimeOffset.UtcNow.AddMinutes(-1)), default);

        var finished = await Submit(sut, Request() with { InvocationId = held.Invocation.Id });

        finished!.Status.ShouldBe(InvocationStatus.Fulfilled);
        provider.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task FinishAsync_LeaseTakenOverMeanwhile_NeitherStoresNorPublishes()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Fulfilled(null));
        var sut = CreateSut(provider);
        var (accepted, owned) = await sut.AcceptAsync(Request(), leaseScope: null, CancellationToken.None);
        owned.ShouldBeTrue();
        (await _store.TryClaimAsync(accepted.Id, "other-instance", DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromMinutes(1), default)).ShouldNotBeNull();

        var finished = await sut.FinishAsync(accepted, _publisher, CancellationToken.None);

        finished.ShouldBeNull();
        (await _store.GetAsync(accepted.Id, default))!.Status.ShouldBe(InvocationStatus.Queued);
        await _publisher.DidNotReceiveWithAnyArgs().Publish(default(InvocationCompleted)!, default);
    }

    [Fact]
    public async Task SubmitAsync_RetryOfTheSameMessage_TakesBackItsOwnLeaseAndFinishes()
    {
        var provider = Scripted((_, _) => ProviderOutcome.Fulfilled(null));
        var sut = CreateSut(provider);
        var request = Request() with { InvocationId = Guid.NewGuid() };
        var (firstTry, _) = await sut.AcceptAsync(request, leaseScope: "message-1", CancellationToken.None);

        var finished = await sut.SubmitAsync(request, "message-1", _publisher, CancellationToken.None);
        var otherMessage = await sut.SubmitAsync(request with { }, "message-2", _publisher, CancellationToken.None);

        finished!.Id.ShouldBe(firstTry.Id);
        finished.Status.ShouldBe(InvocationStatus.Fulfilled);
        provider.Calls.ShouldBe(1);
        otherMessage!.OutcomePublished.ShouldBeTrue();
    }

    private Task<Invocation?> Submit(InvocationService sut, InvokeFunction request) =>
        sut.SubmitAsync(request, leaseScope: null, _publisher, CancellationToken.None);

    /// <summary>A provider whose every call waits until it is cancelled.</summary>
    private static ScriptedProviderFactory Hanging() => new(async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    });

    private static ScriptedProviderFactory Scripted(Func<int, CancellationToken, ProviderOutcome> script) =>
        new((attempt, cancellationToken) => Task.FromResult(script(attempt, cancellationToken)));

    private static InvokeFunction Request(int? maxAttempts = null, int? timeoutSeconds = null) =>
        new() { Function = "f", MaxAttempts = maxAttempts, TimeoutSeconds = timeoutSeconds };

    private static Invocation Held(string owner, DateTimeOffset leaseExpiresAt) =>
        Providers.Http.HttpFunctionProviderTests.CreateInvocation() with
        {
            Target = "main",
            LeaseOwner = owner,
            LeaseExpiresAt = leaseExpiresAt,
            CreatedAt = DateTimeOffset.UtcNow,
        };

    private InvocationService CreateSut(ScriptedProviderFactory provider, Action<TargetOptions>? configureTarget = null)
    {
        var target = new TargetOptions { Provider = provider.Name, RetryBaseDelayMilliseconds = 1, RetryMaxDelayMilliseconds = 5 };
        configureTarget?.Invoke(target);
        var orchestratorOptions = Options.Create(new OrchestratorOptions { DefaultTarget = "main", Targets = { ["main"] = target } });
        var invocationOptions = Options.Create(new InvocationOptions());
        var targets = new TargetRegistry(orchestratorOptions, [provider], TimeProvider.System);
        var notifier = new InvocationCompletionNotifier();
        return new InvocationService(
            _store,
            new InvocationRequestValidator(targets, invocationOptions),
            targets,
            _instance,
            notifier,
            new JobPollers(_store, targets, bus: null!, _instance, notifier, TimeProvider.System, NullLogger<JobPollers>.Instance),
            invocationOptions,
            TimeProvider.System,
            NullLogger<InvocationService>.Instance);
    }
}
