using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Persistence;

namespace Orchestrator.IntegrationTests.Persistence;

public sealed class PostgresMigratorTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_SeveralInstancesAtOnce_ApplyEachMigrationExactlyOnce()
    {
        var dataSources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(_database.ConnectionString)).ToList();

        await Task.WhenAll(dataSources.Select(dataSource =>
            Task.Run(() => new PostgresMigrator(dataSource, NullLogger<PostgresMigrator>.Instance).MigrateAsync(default))));

        await using var command = dataSources[0].CreateCommand("SELECT version FROM schema_migrations ORDER BY version");
        var applied = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        applied.ShouldBe(PostgresMigrator.LoadMigrations().Select(migration => migration.Version));
        foreach (var dataSource in dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_Twice_SecondRunChangesNothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        var sut = new PostgresMigrator(dataSource, NullLogger<PostgresMigrator>.Instance);

        await sut.MigrateAsync(default);
        await sut.MigrateAsync(default);

        await using var command = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        ((long)(await command.ExecuteScalarAsync())!).ShouldBe(PostgresMigrator.LoadMigrations().Count);
    }
}
