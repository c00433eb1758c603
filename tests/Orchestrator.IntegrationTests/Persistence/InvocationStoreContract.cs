using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.Persistence;

namespace Orchestrator.IntegrationTests.Persistence;

/// <summary>What every <see cref="IInvocationStore"/> must do; one subclass per implementation.</summary>
public abstract class InvocationStoreContract
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    // Whole milliseconds: PostgreSQL keeps microseconds, .NET ticks are finer.
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, 123, TimeSpan.Zero);

    /// <summary>A store with nothing in it.</summary>
    protected abstract Task<IInvocationStore> CreateStoreAsync();

    [Fact]
    public async Task CreateAsync_New_IsStoredWithEveryField()
    {
        var store = await CreateStoreAsync();
        var invocation = NewInvocation() with
        {
            IdempotencyKey = $"key-{Guid.NewGuid()}",
            Mode = InvocationMode.Sync,
            Tags = new Dictionary<string, string> { ["team"] = "checkout" },
            BatchId = Guid.NewGuid(),
            BatchIndex = 4,
            Status = InvocationStatus.ExecutionFailed,
            Result = JsonSerializer.SerializeToElement(new[] { 1, 2 }),
            Error = new InvocationError("http", "boom", "500"),
            Attempts = 2,
            ProviderJobId = "job-9",
            StartedAt = Now.AddSeconds(1),
            FinishedAt = Now.AddSeconds(2),
        };

        var (stored, created) = await store.CreateAsync(invocation, default);
        var read = await store.GetAsync(invocation.Id, default);

        created.ShouldBeTrue();
        stored.ShouldBe(invocation);
        read.ShouldNotBeNull();
        AsComparable(read).ShouldBe(AsComparable(invocation));
    }

    [Fact]
    public async Task CreateAsync_SameId_ReturnsTheExistingOneUnchanged()
    {
        var store = await CreateStoreAsync();
        var first = NewInvocation();
        await store.CreateAsync(first, default);

        var (existing, created) = await store.CreateAsync(first with { Function = "other" }, default);

        created.ShouldBeFalse();
        existing.Function.ShouldBe(first.Function);
    }

    [Fact]
    public async Task CreateAsync_SameIdempotencyKey_ReturnsTheExistingOne()
    {
        var store = await CreateStoreAsync();
        var key = $"key-{Guid.NewGuid()}";
        var first = NewInvocation() with { IdempotencyKey = key };
        await store.CreateAsync(first, default);

        var (existing, created) = await store.CreateAsync(NewInvocation() with { IdempotencyKey = key }, default);

        created.ShouldBeFalse();
        existing.Id.ShouldBe(first.Id);
    }

    [Fact]
    public async Task CreateAsync_ManyConcurrentWithOneKey_CreatesExactlyOne()
    {
        var store = await CreateStoreAsync();
        var key = $"key-{Guid.NewGuid()}";

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => store.CreateAsync(NewInvocation() with { IdempotencyKey = key }, default))));

        results.Count(result => result.Created).ShouldBe(1);
        results.Select(result => result.Invocation.Id).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task GetAsync_Unknown_IsNull()
    {
        var store = await CreateStoreAsync();

        (await store.GetAsync(Guid.NewGuid(), default)).ShouldBeNull();
    }

    [Fact]
    public async Task TryClaimAsync_LeaseStillHeld_IsRefused()
    {
        var store = await CreateStoreAsync();
        var held = NewInvocation() with { LeaseOwner = "a", LeaseExpiresAt = Now.AddSeconds(10) };
        await store.CreateAsync(held, default);

        (await store.TryClaimAsync(held.Id, "b", Now, Grace, default)).ShouldBeNull();
    }

    [Fact]
    public async Task TryClaimAsync_LeaseExpired_TakesItForTimeoutPlusGrace()
    {
        var store = await CreateStoreAsync();
        var held = NewInvocation() with { LeaseOwner = "a", LeaseExpiresAt = Now.AddSeconds(-1) };
        await store.CreateAsync(held, default);

        var claimed = await store.TryClaimAsync(held.Id, "b", Now, Grace, default);

        claimed!.LeaseOwner.ShouldBe("b");
        claimed.LeaseExpiresAt.ShouldBe(Now + TimeSpan.FromSeconds(held.TimeoutSeconds) + Grace);
        (await store.GetAsync(held.Id, default))!.LeaseOwner.ShouldBe("b");
    }

    [Fact]
    public async Task TryClaimAsync_BySameHolderWhileLeaseLasts_TakesItBack()
    {
        var store = await CreateStoreAsync();
        var held = NewInvocation() with { LeaseOwner = "a", LeaseExpiresAt = Now.AddSeconds(10) };
        await store.CreateAsync(held, default);

        var claimed = await store.TryClaimAsync(held.Id, "a", Now, Grace, default);

        claimed!.LeaseOwner.ShouldBe("a");
        claimed.LeaseExpiresAt.ShouldBe(Now + TimeSpan.FromSeconds(held.TimeoutSeconds) + Grace);
    }

    [Fact]
    public async Task TryClaimAsync_OutcomePublished_IsRefused()
    {
        var store = await CreateStoreAsync();
        var done = NewInvocation() with { Status = InvocationStatus.Fulfilled, OutcomePublished = true, LeaseOwner = "a" };
        await store.CreateAsync(done, default);

        (await store.TryClaimAsync(done.Id, "b", Now, Grace, default)).ShouldBeNull();
        (await store.TryClaimAsync(done.Id, "a", Now, Grace, default)).ShouldBeNull();
    }

    [Fact]
    public async Task ClaimPendingAsync_TakesOnlyUnheldUnpublishedWork_OldestFirst_UpToTheLimit()
    {
        var store = await CreateStoreAsync();
        var oldest = NewInvocation() with { CreatedAt = Now.AddMinutes(-3) };
        var expired = NewInvocation() with { CreatedAt = Now.AddMinutes(-2), LeaseOwner = "dead", LeaseExpiresAt = Now.AddSeconds(-5) };
        var newest = NewInvocation() with { CreatedAt = Now.AddMinutes(-1) };
        var held = NewInvocation() with { LeaseOwner = "alive", LeaseExpiresAt = Now.AddMinutes(1) };
        var published = NewInvocation() with { Status = InvocationStatus.Fulfilled, OutcomePublished = true };
        foreach (var invocation in new[] { newest, held, published, expired, oldest })
        {
            await store.CreateAsync(invocation, default);
        }

        var firstTwo = await store.ClaimPendingAsync("me", Now, Grace, limit: 2, default);
        var rest = await store.ClaimPendingAsync("me", Now, Grace, limit: 10, default);

        firstTwo.Select(invocation => invocation.Id).ShouldBe([oldest.Id, expired.Id]);
        rest.Select(invocation => invocation.Id).ShouldBe([newest.Id]);
        firstTwo.Concat(rest).ShouldAllBe(invocation => invocation.LeaseOwner == "me");
    }

    [Fact]
    public async Task ClaimPendingAsync_ManyClaimersAtOnce_NeverClaimTheSameInvocationTwice()
    {
        var store = await CreateStoreAsync();
        var pending = Enumerable.Range(0, 200).Select(i => NewInvocation() with { CreatedAt = Now.AddMilliseconds(-i) }).ToList();
        foreach (var invocation in pending)
        {
            await store.CreateAsync(invocation, default);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(claimer => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            IReadOnlyList<Invocation> batch;
            while ((batch = await store.ClaimPendingAsync($"claimer-{claimer}", Now, Grace, limit: 7, default)).Count > 0)
            {
                mine.AddRange(batch.Select(invocation => invocation.Id));
            }

            return mine;
        })));

        var all = claims.SelectMany(ids => ids).ToList();
        all.Count.ShouldBe(pending.Count);
        all.Distinct().Count().ShouldBe(pending.Count);
    }

    [Fact]
    public async Task SaveProgressAsync_ByTheHolder_StoresIt_ByAnyoneElse_ChangesNothing()
    {
        var store = await CreateStoreAsync();
        var invocation = NewInvocation() with { LeaseOwner = "holder", LeaseExpiresAt = Now.AddMinutes(1) };
        await store.CreateAsync(invocation, default);
        var progress = invocation with
        {
            Status = InvocationStatus.Fulfilled,
            Result = JsonSerializer.SerializeToElement(new { ok = true }),
            Attempts = 1,
            StartedAt = Now,
            FinishedAt = Now.AddSeconds(1),
        };

        (await store.SaveProgressAsync(progress with { Status = InvocationStatus.ExecutionFailed }, "intruder", default)).ShouldBeFalse();
        (await store.GetAsync(invocation.Id, default))!.Status.ShouldBe(InvocationStatus.Queued);
        (await store.SaveProgressAsync(progress, "holder", default)).ShouldBeTrue();

        var stored = await store.GetAsync(invocation.Id, default);
        stored!.Status.ShouldBe(InvocationStatus.Fulfilled);
        stored.Result!.Value.GetProperty("ok").GetBoolean().ShouldBeTrue();
        stored.Attempts.ShouldBe(1);
        stored.FinishedAt.ShouldBe(Now.AddSeconds(1));
        stored.OutcomePublished.ShouldBeFalse();
    }

    [Fact]
    public async Task MarkPublishedAsync_ReleasesTheLease_AndTheInvocationNeedsNoMoreWork()
    {
        var store = await CreateStoreAsync();
        var invocation = NewInvocation() with { Status = InvocationStatus.Fulfilled, LeaseOwner = "holder", LeaseExpiresAt = Now.AddMinutes(-1) };
        await store.CreateAsync(invocation, default);

        await store.MarkPublishedAsync(invocation.Id, "holder", default);

        var stored = await store.GetAsync(invocation.Id, default);
        stored!.OutcomePublished.ShouldBeTrue();
        stored.LeaseOwner.ShouldBeNull();
        (await store.ClaimPendingAsync("me", Now.AddDays(1), Grace, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task SaveProgressAsync_ErrorMessageWithANulCharacter_IsStored()
    {
        // A function's exception text is the provider's to choose; PostgreSQL's jsonb cannot hold U+0000.
        var store = await CreateStoreAsync();
        var invocation = NewInvocation() with { LeaseOwner = "holder", LeaseExpiresAt = Now.AddMinutes(1) };
        await store.CreateAsync(invocation, default);

        var saved = await store.SaveProgressAsync(
            invocation with { Status = InvocationStatus.ExecutionFailed, Error = new InvocationError("function", "before\0after"), Attempts = 1, FinishedAt = Now },
            "holder",
            default);

        saved.ShouldBeTrue();
        var message = (await store.GetAsync(invocation.Id, default))!.Error!.Message;
        message.ShouldStartWith("before");
        message.ShouldEndWith("after");
    }

    private static Invocation NewInvocation() => new()
    {
        Id = Guid.NewGuid(),
        Function = "echo",
        Target = "fn",
        Data = JsonSerializer.SerializeToElement(new { a = 1, nested = new { b = "two" } }),
        TimeoutSeconds = 60,
        MaxAttempts = 3,
        Status = InvocationStatus.Queued,
        CreatedAt = Now,
    };

    // JsonElement and dictionaries compare by reference; compare their JSON instead.
    private static object AsComparable(Invocation invocation) => (
        invocation with { Data = default, Result = null, Tags = null },
        invocation.Data.GetRawText().Replace(" ", "", StringComparison.Ordinal),
        invocation.Result?.GetRawText().Replace(" ", "", StringComparison.Ordinal),
        invocation.Tags is null ? null : string.Join(",", invocation.Tags.OrderBy(tag => tag.Key)));
}
