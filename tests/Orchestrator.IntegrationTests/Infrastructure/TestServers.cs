namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>The real servers the integration tests use, started by <c>scripts/test.sh</c>.</summary>
internal static class TestServers
{
    public static string RabbitMq => Require("ORCHESTRATOR_TEST_RABBITMQ");

    public static string Postgres => Require("ORCHESTRATOR_TEST_POSTGRES");

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with scripts/test.sh, which starts RabbitMQ and PostgreSQL and sets it.");
}
