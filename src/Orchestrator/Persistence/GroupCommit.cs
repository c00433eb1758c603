using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Orchestrator.Persistence;

/// <summary>
/// Group commit: the writes of concurrent invocations (inserts, progress, published marks) wait a moment for each other
/// and go to PostgreSQL as one batch in one implicit transaction: one round trip and one commit (one WAL flush) for
/// many writes. Each writer learns its own rows affected, and none is answered before its commit is durable. When
/// PostgreSQL rejects one write, that write alone fails and the rest of its group commits without it.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PersistenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GroupCommit> _logger;
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _accepted;
    private long _transactions;

    // Writes handed over and not yet taken into a group, and the signal that enough of them wait.
    private int _waiting;
    private TaskCompletionSource? _gathered;

    public GroupCommit(NpgsqlDataSource dataSource, IOptions<PersistenceOptions> options, TimeProvider timeProvider, ILogger<GroupCommit> logger)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Writes handed over so far.</summary>
    public long Writes => Interlocked.Read(ref _accepted);

    /// <summary>Transactions committed so far: how many commits those writes took.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Runs <paramref name="command"/> in the next group's transaction.</summary>
    /// <param name="command">One statement; it must not be reused.</param>
    /// <param name="cancellationToken">Cancels the write only until it is handed over: from then on it commits with its group, and the caller learns how it ended.</param>
    /// <returns>The rows it affected, once its transaction has committed.</returns>
    public Task<int> ExecuteAsync(NpgsqlBatchCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write(command);
        if (!_writes.Writer.TryWrite(write))
        {
            return Task.FromException<int>(new ObjectDisposedException(nameof(GroupCommit), "The store is shutting down."));
        }

        Interlocked.Increment(ref _accepted);
        if (Interlocked.Increment(ref _waiting) >= _options.GroupCommitMinWrites)
        {
            Interlocked.Exchange(ref _gathered, null)?.TrySetResult();
        }

        return write.Done.Task;
    }

    private async Task RunAsync()
    {
        var window = TimeSpan.FromMilliseconds(_options.GroupCommitWindowMilliseconds);
        var group = new List<Write>(_options.GroupCommitMaxWrites);
        while (await _writes.Reader.WaitToReadAsync())
        {
            try
            {
                // The first write opens the window; it closes early once enough writes wait to share the transaction.
                // Under heavy load they gather while the previous group commits, so no one waits for the window at all.
                if (window > TimeSpan.Zero && Volatile.Read(ref _waiting) < _options.GroupCommitMinWrites)
                {
                    var gathered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    Interlocked.Exchange(ref _gathered, gathered);
                    if (Volatile.Read(ref _waiting) < _options.GroupCommitMinWrites)
                    {
                        await Task.WhenAny(gathered.Task, Task.Delay(window, _timeProvider));
                    }

                    Interlocked.Exchange(ref _gathered, null);
                }

                while (group.Count < _options.GroupCommitMaxWrites && _writes.Reader.TryRead(out var write))
                {
                    group.Add(write);
                }

                Interlocked.Add(ref _waiting, -group.Count);
                await CommitAsync([.. group]);
            }
            catch (Exception exception)
            {
                // Nothing above should throw; if it does, the group learns why and the loop goes on serving the rest.
                group.ForEach(write => write.Done.TrySetException(exception));
            }
            finally
            {
                group.Clear();
            }
        }
    }

    /// <param name="group">The writes to commit together.</param>
    /// <param name="retry">Whether they were in a batch that failed before, and so need fresh commands.</param>
    private async Task CommitAsync(List<Write> group, bool retry = false)
    {
        var commands = group.Select(write => retry ? write.Fresh() : write.Command).ToArray();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();

            // Without an explicit transaction, PostgreSQL runs a batch's statements as one implicit transaction.
            await using var batch = new NpgsqlBatch(connection);
            foreach (var command in commands)
            {
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync();
            Interlocked.Increment(ref _transactions);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(commands[i].RecordsAffected);
            }
        }
        catch (PostgresException exception) when (group.Count > 1 && IsOneWritesFault(exception))
        {
            // One write broke the transaction, and the others were rolled back with it. The one named (the data source
            // sets IncludeFailedBatchedCommand) fails alone and the rest run again; unnamed, each half runs on its own.
            var failed = Array.IndexOf(commands, exception.BatchCommand);
            if (failed >= 0)
            {
                Log.GroupWriteFailed(_logger, group.Count, exception.SqlState);
                group[failed].Done.TrySetException(exception);
                await CommitAsync([.. group.Where((_, i) => i != failed)], retry: true);
            }
            else
            {
                await CommitAsync(group[..(group.Count / 2)], retry: true);
                await CommitAsync(group[(group.Count / 2)..], retry: true);
            }
        }
        catch (Exception exception)
        {
            // Not one write's fault (the connection, a deadlock, a failover): each writer decides whether to try again.
            group.ForEach(write => write.Done.TrySetException(exception));
            if (exception is NpgsqlException and not PostgresException)
            {
                // The server could not be reached: the writes queued behind would each wait out the same timeout.
                while (_writes.Reader.TryRead(out var queued))
                {
                    Interlocked.Decrement(ref _waiting);
                    queued.Done.TrySetException(exception);
                }
            }
        }
    }

    // A data or constraint error (classes 22 and 23) belongs to the statement that raised it; anything else (a
    // failover, a schema change, a timeout) would fail every statement of the group alike.
    private static bool IsOneWritesFault(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("23", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        // What was accepted still commits: the loop drains the channel before it ends.
        _writes.Writer.TryComplete();
        await _loop;
    }

    private sealed class Write(NpgsqlBatchCommand command)
    {
        public NpgsqlBatchCommand Command => command;

        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A copy to run again: a batch that failed may have changed the original's state.</summary>
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
