using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Orchestrator.Providers;

/// <summary>Fails the start on a bad target, with a message that names the configuration key.</summary>
internal sealed class OrchestratorOptionsValidator(IEnumerable<IFunctionProviderFactory> factories) : IValidateOptions<OrchestratorOptions>
{
    public ValidateOptionsResult Validate(string? name, OrchestratorOptions options)
    {
        var failures = new List<string>();
        var providers = factories.ToDictionary(factory => factory.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (targetName, target) in options.Targets)
        {
            var path = $"{OrchestratorOptions.SectionName}:Targets:{targetName}";
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(result =>
                    $"{path}:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}"));
            }

            if (string.IsNullOrWhiteSpace(target.Provider))
            {
                continue;
            }

            if (!providers.TryGetValue(target.Provider, out var provider))
            {
                failures.Add($"{path}:Provider '{target.Provider}' is not a known provider; known: {string.Join(", ", providers.Keys.Order())}.");
                continue;
            }

            failures.AddRange(provider.Validate(path, target));
        }

        if (options.DefaultTarget is { } defaultTarget && !options.Targets.ContainsKey(defaultTarget))
        {
            failures.Add($"{OrchestratorOptions.SectionName}:DefaultTarget '{defaultTarget}' is not a configured target.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
