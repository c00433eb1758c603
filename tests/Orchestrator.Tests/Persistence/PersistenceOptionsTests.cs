using System.ComponentModel.DataAnnotations;
using Orchestrator.Persistence;

namespace Orchestrator.Tests.Persistence;

public sealed class PersistenceOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid()
    {
        var options = new PersistenceOptions();

        Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true).ShouldBeTrue();
    }

    [Fact]
    public void Validate_MinWritesAboveMaxWrites_NamesBothKeys()
    {
        var options = new PersistenceOptions { GroupCommitMinWrites = 600, GroupCommitMaxWrites = 500 };
        var results = new List<ValidationResult>();

        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true).ShouldBeFalse();

        results.ShouldHaveSingleItem().ErrorMessage.ShouldBe(
            "Orchestrator:Persistence:GroupCommitMinWrites (600) must not exceed Orchestrator:Persistence:GroupCommitMaxWrites (500).");
    }
}
