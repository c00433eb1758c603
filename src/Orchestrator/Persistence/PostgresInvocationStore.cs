using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orchestrator.Contracts;
using Orchestrator.Invocations;

namespace Orchestrator.Persistence;

/// <summary>The distributed mode's store: one row per invocation in PostgreSQL.</summary>
/// <remarks>Writes on an invocation's way (insert, progress, published) go through <see cref="GroupCommit"/>.</remarks>
internal sealed class PostgresInvocationStore(NpgsqlDataSource dataSource, GroupCommit writes) : IInvocationStore
{
    private const string Columns =
        "id, function, target, mode, data, idempotency_key, timeout_seconds, max_attempts, tags, batch_id, batch_index, " +
        "status, result, error, attempts, provider_job_id, created_at, started_at, finished_at, outcome_published, lease_owner, lease_expires_at, " +
        "polled, submitted_at, submit_seq";

    // A claimable row still needs work and nobody holds it; the lease lasts the invocation's own timeout plus grace.
    private const string Claimable = "NOT outcome_published AND NOT polled AND (lease_expires_at IS NULL OR lease_expires_at < $2)";
    private const string TakeLease = "lease_owner = $1, lease_expires_at = $2 + make_interval(secs => timeout_seconds + $3)";

    public async Task<CreateResult> CreateAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var insert = new NpgsqlBatchCommand(
            $"""
            INSERT INTO invocations ({Columns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
            ON CONFLICT DO NOTHING
            """);
        AddRow(insert.Parameters, invocation);
        if (await writes.ExecuteAsync(insert, cancellationToken) == 1)
        {
            return new CreateResult(invocation, Created: true);
        }

        await using var select = dataSource.CreateCommand(
            $"SELECT {Columns} FROM invocations WHERE id = $1 OR idempotency_key = $2 ORDER BY id = $1 DESC LIMIT 1");
        select.Parameters.Add(new() { Value = invocation.Id });
        select.Parameters.Add(new() { Value = (object?)invocation.IdempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var existing = await ReadSingleAsync(select, cancellationToken)
            ?? throw new InvalidOperationException($"Invocation {invocation.Id} conflicted on insert but no conflicting row was found.");
        return new CreateResult(existing, Created: false);
    }

    public async Task<Invocation?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM invocations WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<Invocation?> TryClaimAsync(Guid id, string owner, DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"UPDATE invocations SET {TakeLease} WHERE id = $4 AND ({Claimable} OR (lease_owner = $1 AND NOT outcome_published)) RETURNING {Columns}");
        AddLease(command.Parameters, owner, now, grace);
        command.Parameters.Add(new() { Value = id });
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Invocation>> ClaimPendingAsync(string owner, DateTimeOffset now, TimeSpan grace, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            WITH claimed AS (
                UPDATE invocations SET {TakeLease}
                WHERE id IN (
                    SELECT id FROM invocations WHERE {Claimable}
                    ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
                RETURNING {Columns})
            SELECT {Columns} FROM claimed ORDER BY created_at
            """);
        AddLease(command.Parameters, owner, now, grace);
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<bool> SaveProgressAsync(Invocation invocation, string owner, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand(
            """
            UPDATE invocations
            SET status = $3, result = $4, error = $5, attempts = $6, provider_job_id = $7, started_at = $8, finished_at = $9,
                polled = $10, lease_owner = CASE WHEN $10 THEN NULL ELSE lease_owner END,
                lease_expires_at = CASE WHEN $10 THEN NULL ELSE lease_expires_at END
            WHERE id = $1 AND lease_owner = $2
            """);
        var parameters = command.Parameters;
        parameters.Add(new() { Value = invocation.Id });
        parameters.Add(new() { Value = owner });
        AddProgress(parameters, invocation);
        parameters.Add(new() { Value = invocation.Polled });
        return await writes.ExecuteAsync(command, cancellationToken) == 1;
    }

    public async Task MarkPublishedAsync(Guid id, string owner, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand(
            "UPDATE invocations SET outcome_published = true, lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = owner });
        await writes.ExecuteAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<JobChannelKey>> FindJobChannelsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT DISTINCT target, function FROM invocations WHERE polled AND NOT outcome_published");
        var keys = new List<JobChannelKey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new JobChannelKey(reader.GetString(0), reader.GetString(1)));
        }

        return keys;
    }

    public async Task<JobChannelState?> TryLeaseJobChannelAsync(
        JobChannelKey key, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO job_channels AS c (target, function, owner, lease_expires_at) VALUES ($1, $2, $3, $5)
            ON CONFLICT (target, function) DO UPDATE SET owner = $3, lease_expires_at = $5
            WHERE c.owner IS NULL OR c.owner = $3 OR c.lease_expires_at < $4
            RETURNING next_seq, watermark
            """);
        command.Parameters.Add(new() { Value = key.Target });
        command.Parameters.Add(new() { Value = key.Function });
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = expiresAt });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new JobChannelState(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1))
            : null;
    }

    public async Task<IReadOnlyList<Invocation>> LoadJobChannelAsync(
        JobChannelKey key, int queuedLimit, DateTimeOffset unmatchedSince, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            (SELECT {Columns} FROM invocations
             WHERE target = $1 AND function = $2 AND polled AND NOT outcome_published AND NOT (status = 'queued' AND submitted_at IS NULL))
            UNION ALL
            (SELECT {Columns} FROM invocations
             WHERE target = $1 AND function = $2 AND polled AND outcome_published AND submit_seq IS NOT NULL AND provider_job_id IS NULL AND submitted_at > $4)
            UNION ALL
            (SELECT {Columns} FROM invocations
             WHERE target = $1 AND function = $2 AND polled AND NOT outcome_published AND status = 'queued' AND submitted_at IS NULL
             ORDER BY created_at LIMIT $3)
            """);
        command.Parameters.Add(new() { Value = key.Target });
        command.Parameters.Add(new() { Value = key.Function });
        command.Parameters.Add(new() { Value = queuedLimit });
        command.Parameters.Add(new() { Value = unmatchedSince });
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<bool> SaveJobChannelAsync(
        JobChannelKey key, string owner, DateTimeOffset expiresAt, JobChannelState state, IReadOnlyCollection<Invocation> changed, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lease = new NpgsqlCommand(
            "UPDATE job_channels SET next_seq = $4, watermark = $5, lease_expires_at = $6 WHERE target = $1 AND function = $2 AND owner = $3",
            connection,
            transaction))
        {
            lease.Parameters.Add(new() { Value = key.Target });
            lease.Parameters.Add(new() { Value = key.Function });
            lease.Parameters.Add(new() { Value = owner });
            lease.Parameters.Add(new() { Value = state.NextSeq });
            lease.Parameters.Add(Nullable(state.Watermark, NpgsqlDbType.Bigint));
            lease.Parameters.Add(new() { Value = expiresAt });
            if (await lease.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        if (changed.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var invocation in changed)
            {
                var command = new NpgsqlBatchCommand(
                    """
                    UPDATE invocations
                    SET status = $2, result = $3, error = $4, attempts = $5, provider_job_id = $6, started_at = $7, finished_at = $8,
                        submitted_at = $9, submit_seq = $10
                    WHERE id = $1 AND polled
                    """);
                var parameters = command.Parameters;
                parameters.Add(new() { Value = invocation.Id });
                AddProgress(parameters, invocation);
                parameters.Add(Nullable(invocation.SubmittedAt, NpgsqlDbType.TimestampTz));
                parameters.Add(Nullable(invocation.SubmitSeq, NpgsqlDbType.Bigint));
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task MarkPolledPublishedAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("UPDATE invocations SET outcome_published = true WHERE id = ANY($1) AND polled");
        command.Parameters.Add(new() { Value = ids.ToArray() });
        await writes.ExecuteAsync(command, cancellationToken);
    }

    public async Task ReleaseJobChannelAsync(JobChannelKey key, string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE job_channels SET owner = NULL, lease_expires_at = NULL WHERE target = $1 AND function = $2 AND owner = $3");
        command.Parameters.Add(new() { Value = key.Target });
        command.Parameters.Add(new() { Value = key.Function });
        command.Parameters.Add(new() { Value = owner });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddLease(NpgsqlParameterCollection parameters, string owner, DateTimeOffset now, TimeSpan grace)
    {
        parameters.Add(new() { Value = owner });
        parameters.Add(new() { Value = now });
        parameters.Add(new() { Value = grace.TotalSeconds });
    }

    private static void AddRow(NpgsqlParameterCollection parameters, Invocation invocation)
    {
        parameters.Add(new() { Value = invocation.Id });
        parameters.Add(new() { Value = invocation.Function });
        parameters.Add(new() { Value = invocation.Target });
        parameters.Add(new() { Value = invocation.Mode.ToString().ToLowerInvariant() });
        parameters.Add(Nullable(invocation.Data.GetRawText(), NpgsqlDbType.Json));
        parameters.Add(Nullable(invocation.IdempotencyKey, NpgsqlDbType.Text));
        parameters.Add(new() { Value = invocation.TimeoutSeconds });
        parameters.Add(new() { Value = invocation.MaxAttempts });
        parameters.Add(Nullable(JsonText(invocation.Tags), NpgsqlDbType.Jsonb));
        parameters.Add(Nullable(invocation.BatchId, NpgsqlDbType.Uuid));
        parameters.Add(Nullable(invocation.BatchIndex, NpgsqlDbType.Integer));
        parameters.Add(new() { Value = invocation.Status.ToWireName() });
        parameters.Add(Nullable(invocation.Result?.GetRawText(), NpgsqlDbType.Json));
        parameters.Add(Nullable(ErrorText(invocation.Error), NpgsqlDbType.Jsonb));
        parameters.Add(new() { Value = invocation.Attempts });
        parameters.Add(Nullable(invocation.ProviderJobId, NpgsqlDbType.Text));
        parameters.Add(new() { Value = invocation.CreatedAt });
        parameters.Add(Nullable(invocation.StartedAt, NpgsqlDbType.TimestampTz));
        parameters.Add(Nullable(invocation.FinishedAt, NpgsqlDbType.TimestampTz));
        parameters.Add(new() { Value = invocation.OutcomePublished });
        parameters.Add(Nullable(invocation.LeaseOwner, NpgsqlDbType.Text));
        parameters.Add(Nullable(invocation.LeaseExpiresAt, NpgsqlDbType.TimestampTz));
        parameters.Add(new() { Value = invocation.Polled });
        parameters.Add(Nullable(invocation.SubmittedAt, NpgsqlDbType.TimestampTz));
        parameters.Add(Nullable(invocation.SubmitSeq, NpgsqlDbType.Bigint));
    }

    private static string? JsonText(object? value) => value is null ? null : JsonSerializer.Serialize(value, JsonDefaults.Options);

    // jsonb cannot hold U+0000, and a provider's error message (a function's exception) may carry one.
    private static string? ErrorText(InvocationError? error) =>
        JsonText(error is null ? null : error with { Message = error.Message.Replace('\0', '\uFFFD') });

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    /// <summary>What a call to a provider changed: status, result, error, attempts, job id and timings, in that order.</summary>
    private static void AddProgress(NpgsqlParameterCollection parameters, Invocation invocation)
    {
        parameters.Add(new() { Value = invocation.Status.ToWireName() });
        parameters.Add(Nullable(invocation.Result?.GetRawText(), NpgsqlDbType.Json));
        parameters.Add(Nullable(ErrorText(invocation.Error), NpgsqlDbType.Jsonb));
        parameters.Add(new() { Value = invocation.Attempts });
        parameters.Add(Nullable(invocation.ProviderJobId, NpgsqlDbType.Text));
        parameters.Add(Nullable(invocation.StartedAt, NpgsqlDbType.TimestampTz));
        parameters.Add(Nullable(invocation.FinishedAt, NpgsqlDbType.TimestampTz));
    }

    private static async Task<IReadOnlyList<Invocation>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<Invocation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadRow(reader));
        }

        return rows;
    }

    private static async Task<Invocation?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRow(reader) : null;
    }

    private static Invocation ReadRow(NpgsqlDataReader reader)
    {
        InvocationStatusExtensions.TryParseWireName(reader.GetString(11), out var status);
        return new Invocation
        {
            Id = reader.GetGuid(0),
            Function = reader.GetString(1),
            Target = reader.GetString(2),
            Mode = Enum.Parse<InvocationMode>(reader.GetString(3), ignoreCase: true),
            Data = ParseJson(reader.GetString(4)),
            IdempotencyKey = reader.IsDBNull(5) ? null : reader.GetString(5),
            TimeoutSeconds = reader.GetInt32(6),
            MaxAttempts = reader.GetInt32(7),
            Tags = reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(8), JsonDefaults.Options),
            BatchId = reader.IsDBNull(9) ? null : reader.GetGuid(9),
            BatchIndex = reader.IsDBNull(10) ? null : reader.GetInt32(10),
            Status = status,
            Result = reader.IsDBNull(12) ? null : ParseJson(reader.GetString(12)),
            Error = reader.IsDBNull(13) ? null : JsonSerializer.Deserialize<InvocationError>(reader.GetString(13), JsonDefaults.Options),
            Attempts = reader.GetInt32(14),
            ProviderJobId = reader.IsDBNull(15) ? null : reader.GetString(15),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(16),
            StartedAt = reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17),
            FinishedAt = reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18),
            OutcomePublished = reader.GetBoolean(19),
            LeaseOwner = reader.IsDBNull(20) ? null : reader.GetString(20),
            LeaseExpiresAt = reader.IsDBNull(21) ? null : reader.GetFieldValue<DateTimeOffset>(21),
            Polled = reader.GetBoolean(22),
            SubmittedAt = reader.IsDBNull(23) ? null : reader.GetFieldValue<DateTimeOffset>(23),
            SubmitSeq = reader.IsDBNull(24) ? null : reader.GetInt64(24),
        };
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
