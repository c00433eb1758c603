using Orchestrator.Persistence;

namespace Orchestrator.IntegrationTests.Persistence;

public sealed class InMemoryInvocationStoreTests : InvocationStoreContract
{
    protected override Task<IInvocationStore> CreateStoreAsync() => Task.FromResult<IInvocationStore>(new InMemoryInvocationStore());
}
