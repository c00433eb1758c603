using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Persistence;

namespace Orchestrator.IntegrationTests.Persistence;

public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private NpgsqlDataSource _dataSource = null!;

    private readonly RecordingLogger _log = new();

    internal static GroupCommit Create(NpgsqlDataSource dataSource, double windowMilliseconds = 2, int minWrites = 32, ILogger<GroupCommit>? logger = null) => new(
        dataSource,
        Options.Create(new PersistenceOptions { GroupCommitWindowMilliseconds = windowMilliseconds, GroupCommitMinWrites = minWrites }),
        TimeProvider.System,
        logger ?? NullLogger<GroupCommit>.Instance);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        // As the orchestrator builds it: a failed batch names the write at fault.
        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database.ConnectionString) { IncludeFailedBatchedCommand = true }.ConnectionString);
        await using var create = _dataSource.CreateCommand("CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, doc jsonb)");
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentWrites_ShareTransactionsAndEachGetsItsOwnRowsAffected()
    {
        await using var writes = Create(_dataSource, windowMilliseconds: 200);

        var inserts = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => writes.ExecuteAsync(Insert(i, $"item {i}"), default)));
        var updates = await Task.WhenAll(Enumerable.Range(95, 10).Select(i => writes.ExecuteAsync(Rename(i, "renamed"), default)));

        inserts.ShouldAllBe(affected => affected == 1);
        updates.ShouldBe([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
        (await CountAsync("SELECT count(*) FROM items")).ShouldBe(100);
        writes.Writes.ShouldBe(110);

        // 110 writes handed over within the window of one another: a handful of transactions, not one each.
        writes.Transactions.ShouldBeLessThanOrEqualTo(10);
    }

    [Fact]
    public async Task ExecuteAsync_WritesWithinTheWindow_ShareOneTransaction()
    {
        await using var writes = Create(_dataSource, windowMilliseconds: 2_000);

        var first = writes.ExecuteAsync(Insert(700, "first"), default);
        await Task.Delay(50);
        var second = writes.ExecuteAsync(Insert(701, "second"), default);

        (await Task.WhenAll(first, second)).ShouldBe([1, 1]);
        writes.Transactions.ShouldBe(1);
    }

    [Fact]
    public async Task ExecuteAsync_EnoughWritesGathered_CommitWithoutWaitingOutTheWindow()
    {
        await using var writes = Create(_dataSource, windowMilliseconds: 60_000, minWrites: 5);

        var inserts = Enumerable.Range(500, 4).Select(i => writes.ExecuteAsync(Insert(i, $"item {i}"), default)).ToList();
        await Task.Delay(300);
        inserts.ShouldAllBe(insert => !insert.IsCompleted);
        inserts.Add(writes.ExecuteAsync(Insert(504, "item 504"), default));

        // Far sooner than the minute-long window: the fifth write closes it.
        (await Task.WhenAll(inserts).WaitAsync(TimeSpan.FromSeconds(20))).ShouldAllBe(affected => affected == 1);
    }

    [Fact]
    public async Task ExecuteAsync_OneWriteFailsInItsGroup_OnlyThatWriteFails()
    {
        await using var writes = Create(_dataSource, windowMilliseconds: 2_000, logger: _log);

        var good = Enumerable.Range(1_000, 5).Select(i => writes.ExecuteAsync(InsertWithDocument(i), default)).ToList();
        var bad = writes.ExecuteAsync(Insert(2_000, null), default);
        var none = writes.ExecuteAsync(Rename(9_999, "nobody"), default);
        good.AddRange(Enumerable.Range(1_005, 5).Select(i => writes.ExecuteAsync(InsertWithDocument(i), default)));

        (await Should.ThrowAsync<PostgresException>(bad)).SqlState.ShouldBe(PostgresErrorCodes.NotNullViolation);
        (await Task.WhenAll(good)).ShouldAllBe(affected => affected == 1);
        (await none).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM items WHERE id >= 1000 AND doc->>'id' = id::text")).ShouldBe(10);

        // They shared the bad write's group: it failed, and the other eleven, sent again, committed together without it.
        _log.Messages.ShouldHaveSingleItem().ShouldContain("One write of a group commit of 12 failed (23502)");
        writes.Transactions.ShouldBe(1);
    }

    [Fact]
    public async Task ExecuteAsync_AFailureNotOfOneWrite_FailsTheWholeGroup()
    {
        await using var writes = Create(_dataSource, windowMilliseconds: 2_000, logger: _log);

        var good = writes.ExecuteAsync(Insert(3_500, "fine"), default);
        var missing = writes.ExecuteAsync(new NpgsqlBatchCommand("UPDATE no_such_table SET x = 1"), default);

        (await Should.ThrowAsync<PostgresException>(missing)).SqlState.ShouldBe(PostgresErrorCodes.UndefinedTable);
        (await Should.ThrowAsync<PostgresException>(good)).SqlState.ShouldBe(PostgresErrorCodes.UndefinedTable);
        _log.Messages.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_OneWriteFailsAndTheBatchDoesNotNameIt_OnlyThatWriteFails()
    {
        await using var plain = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var writes = Create(plain, windowMilliseconds: 2_000);

        var good = Enumerable.Range(1_100, 6).Select(i => writes.ExecuteAsync(Insert(i, $"item {i}"), default)).ToList();
        var bad = writes.ExecuteAsync(Insert(2_100, null), default);
        good.AddRange(Enumerable.Range(1_106, 5).Select(i => writes.ExecuteAsync(Insert(i, $"item {i}"), default)));

        (await Should.ThrowAsync<PostgresException>(bad)).SqlState.ShouldBe(PostgresErrorCodes.NotNullViolation);
        (await Task.WhenAll(good)).ShouldAllBe(affected => affected == 1);
        (await CountAsync("SELECT count(*) FROM items WHERE id BETWEEN 1100 AND 1199")).ShouldBe(11);
    }

    [Fact]
    public async Task DisposeAsync_WritesStillWaiting_AreCommittedFirst()
    {
        var writes = Create(_dataSource, windowMilliseconds: 500);
        var pending = Enumerable.Range(3_000, 20).Select(i => writes.ExecuteAsync(Insert(i, $"item {i}"), default)).ToList();

        await writes.DisposeAsync();

        (await Task.WhenAll(pending)).ShouldAllBe(affected => affected == 1);
        (await CountAsync("SELECT count(*) FROM items WHERE id >= 3000")).ShouldBe(20);
        await Should.ThrowAsync<ObjectDisposedException>(writes.ExecuteAsync(Insert(4_000, "late"), default));
    }

    private static NpgsqlBatchCommand Insert(int id, string? name)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO items (id, name) VALUES ($1, $2)");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return command;
    }

    // A jsonb parameter given as text: sent again without its type, PostgreSQL would refuse it.
    private static NpgsqlBatchCommand InsertWithDocument(int id)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO items (id, name, doc) VALUES ($1, $2, $3)");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = $"item {id}" });
        command.Parameters.Add(new() { Value = $$"""{"id":"{{id}}"}""", NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        return command;
    }

    private static NpgsqlBatchCommand Rename(int id, string name)
    {
        var command = new NpgsqlBatchCommand("UPDATE items SET name = $2 WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = name });
        return command;
    }

    private sealed class RecordingLogger : ILogger<GroupCommit>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add(formatter(state, exception));
            }
        }
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
