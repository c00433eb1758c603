using Npgsql;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Distributed;

/// <summary>
/// One orchestrator in distributed mode (real RabbitMQ, a fresh PostgreSQL database), the test function endpoint
/// as its <c>fn</c> target, and a producer bus. Started once for the whole collection.
/// </summary>
public sealed class DistributedFixture : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public OrchestratorHost Orchestrator { get; private set; } = null!;

    public FunctionEndpoint Functions { get; private set; } = null!;

    public Producer Producer { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Database = NpgsqlDataSource.Create(_database.ConnectionString);
        Functions = await FunctionEndpoint.StartAsync();
        Orchestrator = await OrchestratorHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = TestServers.RabbitMq,
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            ["Orchestrator:DefaultTarget"] = "fn",
            ["Orchestrator:Targets:fn:Provider"] = "http",
            ["Orchestrator:Targets:fn:Url"] = Functions.UrlTemplate,
            ["Orchestrator:Targets:fn:RetryBaseDelayMilliseconds"] = "10",
            ["Orchestrator:Targets:fn:RetryMaxDelayMilliseconds"] = "50",
            ["Orchestrator:Invocations:RecoveryIntervalSeconds"] = "0.2",
        });
        Producer = await Producer.StartAsync(TestServers.RabbitMq);
    }

    public async Task DisposeAsync()
    {
        await Producer.DisposeAsync();
        await Orchestrator.DisposeAsync();
        await Functions.DisposeAsync();
        await Database.DisposeAsync();
        await _database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DistributedCollection : ICollectionFixture<DistributedFixture>
{
    public const string Name = "distributed";
}
