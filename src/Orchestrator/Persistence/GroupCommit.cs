using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Orchestrator.Persistence;

/// <summary>
/// Group commit: the writes of concurrent invocations (inserts, progress, published marks) wait a moment for each other
/// and go to PostgreSQL as one batch in one implicit transaction: one round trip and one commit (one WAL flush) for
/// many writes. Each writer still learns its own rows affected, and none is answered before its commit is durable.
/// A batch that PostgreSQL rejects is run again one write at a time, so one bad write cannot fail the others.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly PersistenceOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<GroupCommit> logger;
    private readonly Channel<Write> writes = Channel.CreateUnbounded<Write>(); // (a single-reader channel cannot count)
    private readonly Task loop;
    private long accepted;
    private TaskCompletionSource? gathered;
    private long transactions;

    public GroupCommit(NpgsqlDataSource dataSource, IOptions<PersistenceOptions> options, TimeProvider timeProvider, ILogger<GroupCommit> logger)
    {
        this.dataSource = dataSource;
        this.options = options.Value;
        this.timeProvider = timeProvider;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Writes handed over so far.</summary>
    public long Writes => Interlocked.Read(ref accepted);

    /// <summary>Transactions sent so far: how many commits those writes took.</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Runs <paramref name="command"/> in the next group's transaction.</summary>
    /// <returns>The rows it affected, once its transaction has committed.</returns>
    /// <remarks>Cancelling stops the wait, not the write: once handed over, it commits with its group.</remarks>
    public Task<int> ExecuteAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        var write = new Write(command);
        if (!writes.Writer.TryWrite(write))
        {
            return Task.FromException<int>(new ObjectDisposedException(nameof(GroupCommit), "The store is shutting down."));
        }

        Interlocked.Increment(ref accepted);
        if (writes.Reader.Count >= options.GroupCommitMinWrites)
        {
            Volatile.Read(ref gathered)?.TrySetResult();
        }

        return write.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var window = TimeSpan.FromMilliseconds(options.GroupCommitWindowMilliseconds);
        var group = new List<Write>(options.GroupCommitMaxWrites);
        while (await writes.Reader.WaitToReadAsync())
        {
            // The first write opens the window; it closes early once enough writes have come to share the transaction.
            // Under heavy load they gather while the previous group commits, so no one waits for the window at all.
            if (window > TimeSpan.Zero && writes.Reader.Count < options.GroupCommitMinWrites)
            {
                var gathered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref this.gathered, gathered);
                if (writes.Reader.Count < options.GroupCommitMinWrites)
                {
                    await Task.WhenAny(gathered.Task, Task.Delay(window, timeProvider));
                }

                Volatile.Write(ref this.gathered, null);
            }

            while (group.Count < options.GroupCommitMaxWrites && writes.Reader.TryRead(out var write))
            {
                group.Add(write);
            }

            await CommitAsync(group, alone: false);
            group.Clear();
        }
    }

    private async Task CommitAsync(List<Write> group, bool alone)
    {
        try
        {
            var affected = await ExecuteBatchAsync(group, alone);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(affected[i]);
            }
        }
        catch (PostgresException exception) when (!alone)
        {
            // One write broke the batch (or a deadlock chose it): give each its own transaction and its own answer.
            Log.GroupRetriedAlone(logger, group.Count, exception.SqlState);
            foreach (var write in group)
            {
                await CommitAsync([write], alone: true);
            }
        }
        catch (Exception exception)
        {
            foreach (var write in group)
            {
                write.Done.TrySetException(exception);
            }
        }
    }

    private async Task<int[]> ExecuteBatchAsync(List<Write> group, bool alone)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        Interlocked.Increment(ref transactions);

        // Without an explicit transaction, PostgreSQL runs a batch's statements as one implicit transaction.
        await using var batch = new NpgsqlBatch(connection);
        foreach (var write in group)
        {
            // A write tried again alone after its group failed gets a copy: the first batch may have changed the original.
            batch.BatchCommands.Add(alone ? write.Fresh() : write.Command);
        }

        await batch.ExecuteNonQueryAsync();
        return [.. batch.BatchCommands.Select(static (NpgsqlBatchCommand command) => command.RecordsAffected)];
    }

    public async ValueTask DisposeAsync()
    {
        // What was accepted still commits: the loop drains the channel before it ends.
        writes.Writer.TryComplete();
        await loop;
    }

    private sealed class Write(NpgsqlBatchCommand command)
    {
        public NpgsqlBatchCommand Command => command;

        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public NpgsqlBatchCommand Fresh()
        {
            var copy = new NpgsqlBatchCommand(command.CommandText);
            foreach (NpgsqlParameter parameter in command.Parameters)
            {
                copy.Parameters.Add(parameter.Clone());
            }

            return copy;
        }
    }
}
