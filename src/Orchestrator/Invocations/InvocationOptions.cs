using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Invocations;

/// <summary>Defaults and limits for invocations (<c>Orchestrator:Invocations</c>).</summary>
public sealed class InvocationOptions
{
    public const string SectionName = "Orchestrator:Invocations";

    /// <summary>An invocation's deadline across all its attempts when the request sets none.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(1, InvocationLimits.MaxTimeoutSeconds)]
    public int DefaultTimeoutSeconds { get; set; } = 60;

    /// <summary>How many provider calls an invocation may make when the request sets no <c>maxAttempts</c>.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, InvocationLimits.MaxAttempts)]
    public int DefaultMaxAttempts { get; set; } = 3;

    /// <summary>How long past its deadline an invocation's lease lasts before another instance may take it over.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(1, 3600)]
    public int LeaseGraceSeconds { get; set; } = 30;

    /// <summary>How often each instance looks for abandoned work (expired leases, unpublished outcomes).</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(0.05, 3600)]
    public double RecoveryIntervalSeconds { get; set; } = 5;

    /// <summary>How many invocations the orchestrator works on at once outside message consumers.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 10_000)]
    public int BackgroundConcurrency { get; set; } = 64;
}

/// <summary>The bounds requests are validated against.</summary>
public static class InvocationLimits
{
    public const int MaxTimeoutSeconds = 3600;
    public const int MaxAttempts = 20;
    public const int MaxFunctionNameLength = 200;
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxTags = 50;
}
