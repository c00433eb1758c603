using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Persistence;

namespace Orchestrator.IntegrationTests.Persistence;

public sealed class PostgresInvocationStoreTests(PostgresInvocationStoreTests.MigratedDatabase database)
    : InvocationStoreContract, IClassFixture<PostgresInvocationStoreTests.MigratedDatabase>
{
    protected override async Task<IInvocationStore> CreateStoreAsync()
    {
        // Tests in a class run one at a time, so each may start from an empty table.
        await using (var truncate = database.DataSource.CreateCommand("TRUNCATE invocations"))
        {
            await truncate.ExecuteNonQueryAsync();
        }

        return new PostgresInvocationStore(database.DataSource, database.Writes);
    }

    public sealed class MigratedDatabase : IAsyncLifetime
    {
        private readonly PostgresDatabase _database = new();

        public NpgsqlDataSource DataSource { get; private set; } = null!;

        internal GroupCommit Writes { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            DataSource = NpgsqlDataSource.Create(_database.ConnectionString);
            await new PostgresMigrator(DataSource, NullLogger<PostgresMigrator>.Instance).MigrateAsync(default);
            Writes = GroupCommitTests.Create(DataSource);
        }

        public async Task DisposeAsync()
        {
            await Writes.DisposeAsync();
            await DataSource.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
