using Npgsql;

namespace Orchestrator.Bench.Harness;

/// <summary>The harness's view of PostgreSQL: fresh databases, their settings, and commits counted per database.</summary>
internal sealed class Database(string connectionString)
{
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    public async Task RecreateAsync(string database)
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        await ExecuteAsync($"CREATE DATABASE {database}");
    }

    public Task DropAsync(string database) => ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");

    /// <summary>The settings that make commits durable, and the server's version.</summary>
    public async Task<Dictionary<string, string>> DurabilityAsync()
    {
        var settings = new Dictionary<string, string>();
        await using var connection = await OpenServerAsync(connectionString);
        foreach (var name in new[] { "server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "commit_delay" })
        {
            await using var command = new NpgsqlCommand($"SHOW {name}", connection);
            settings[name] = (string)(await command.ExecuteScalarAsync())!;
        }

        return settings;
    }

    /// <summary>
    /// The database's committed transactions (<c>pg_stat_database.xact_commit</c>), read once every backend has reported
    /// them: a backend that reported less than a second before it went idle holds its counts for 10 s
    /// (PostgreSQL's <c>PGSTAT_IDLE_INTERVAL</c>), so this waits 11 s first (a smoke run, whose figures are not judged,
    /// 1 s). Read-only transactions count too.
    /// </summary>
    public static async Task<long> SettledCommitsAsync(string connectionString, bool smoke)
    {
        await Task.Delay(TimeSpan.FromSeconds(smoke ? 1 : 11));

        // Asked from another database, so the question is not counted in the answer.
        var measured = new NpgsqlConnectionStringBuilder(connectionString);
        await using var connection = await OpenServerAsync(connectionString);
        await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", connection);
        command.Parameters.Add(new() { Value = measured.Database! });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Transaction ids handed out so far on the whole server: one per transaction that wrote (and so flushed the WAL
    /// at its commit), exact at once. Read-only transactions take none; nor does this question.
    /// </summary>
    public static async Task<long> WriteTransactionsAsync(string connectionString)
    {
        await using var connection = await OpenServerAsync(connectionString);
        await using var command = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<NpgsqlConnection> OpenServerAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenServerAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
