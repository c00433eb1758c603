using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orchestrator.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    public const string PostgresConnectionName = "Postgres";

    /// <summary>
    /// The invocation store: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set (migrated before anything
    /// else starts, with a readiness check), else in memory.
    /// </summary>
    public static IHostApplicationBuilder AddOrchestratorPersistence(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(PostgresConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddSingleton<IInvocationStore, InMemoryInvocationStore>();
            return builder;
        }

        builder.Services.AddOptions<PersistenceOptions>()
            .BindConfiguration(PersistenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);

            // The store never changes session state, so the reset on each return to the pool (DISCARD ALL, sent ahead of
            // the next command and run as a transaction of its own) would be pure cost. Its few statements are prepared
            // once per connection.
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;

            // Group commit tells which write of a failed batch was at fault from the exception.
            dataSource.ConnectionStringBuilder.IncludeFailedBatchedCommand = true;
            if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 32;
            }

            return dataSource.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>()).Build();
        });
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddSingleton<IInvocationStore, PostgresInvocationStore>();
        builder.Services.AddSingleton<PostgresMigrator>();
        builder.Services.AddHostedService<PostgresMigrationService>();
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        return builder;
    }

    public static bool UsesPostgres(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(PostgresConnectionName));
}
