namespace LocalCloud.Functions;

/// <summary>One version of a function. Every change makes a new instance with a higher <see cref="Version"/>.</summary>
public sealed record FunctionDefinition(
    int Id,
    string Name,
    string Code,
    string Remark,
    string PlanCircle,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    string? SourcePath)
{
    public const string FreePlan = "P_FREE";
    public const string PersonalPlan = "P_PERSONAL";

    /// <summary>Identifies this version in the workers' module cache.</summary>
    public string CacheKey => $"{Id}@{Version}";

    /// <summary>MinApp's plans: 128 MB on <c>P_FREE</c>, 256 MB on <c>P_PERSONAL</c>.</summary>
    public int MemoryLimitInMB => PlanCircle == PersonalPlan ? 256 : 128;

    public static bool IsPlan(string? value) => value is FreePlan or PersonalPlan;
}
