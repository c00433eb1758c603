using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace LocalCloud;

/// <summary>Validates every section of <see cref="LocalCloudOptions"/>, naming each bad key (<c>LocalCloud:MinApp:ConcurrencyLimit</c>).</summary>
internal sealed class LocalCloudOptionsValidator : IValidateOptions<LocalCloudOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalCloudOptions options)
    {
        var failures = new List<string>();
        Check(options, LocalCloudOptions.SectionName, failures);
        Check(options.MinApp, $"{LocalCloudOptions.SectionName}:{nameof(options.MinApp)}", failures);
        Check(options.CloudBase, $"{LocalCloudOptions.SectionName}:{nameof(options.CloudBase)}", failures);
        Check(options.WeChat, $"{LocalCloudOptions.SectionName}:{nameof(options.WeChat)}", failures);
        for (var index = 0; index < options.Faults.Count; index++)
        {
            if (options.Faults[index].Validate() is { } error)
            {
                failures.Add($"{LocalCloudOptions.SectionName}:{nameof(options.Faults)}:{index}: {error}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(object section, string path, List<string> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
        failures.AddRange(results.Select(result => $"{path}:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}"));
    }
}
