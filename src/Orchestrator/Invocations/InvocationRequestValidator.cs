using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Providers;

namespace Orchestrator.Invocations;

/// <summary>Checks an <see cref="InvokeFunction"/> request; every error is keyed by the field at fault.</summary>
public sealed class InvocationRequestValidator(TargetRegistry targets, IOptions<InvocationOptions> options)
{
    public IReadOnlyDictionary<string, string[]> Validate(InvokeFunction request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(request.Function))
        {
            Fail("function", "The function name is required.");
        }
        else if (request.Function.Length > InvocationLimits.MaxFunctionNameLength)
        {
            Fail("function", $"The function name is longer than {InvocationLimits.MaxFunctionNameLength} characters.");
        }

        var target = ResolveTarget(request);
        if (target is null)
        {
            Fail("target", "No target was named and no default target is configured (Orchestrator:DefaultTarget).");
        }
        else if (!targets.TryGet(target, out _))
        {
            Fail("target", $"'{target}' is not a configured target. Configured targets: {Describe(targets.Names)}.");
        }

        if (request.Data is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) } data)
        {
            Fail("data", $"The data must be a JSON object, not {Describe(data.ValueKind)}.");
        }

        if (request.TimeoutSeconds is < 1 or > InvocationLimits.MaxTimeoutSeconds)
        {
            Fail("timeoutSeconds", $"The timeout must be between 1 and {InvocationLimits.MaxTimeoutSeconds} seconds.");
        }

        if (request.MaxAttempts is < 1 or > InvocationLimits.MaxAttempts)
        {
            Fail("maxAttempts", $"The attempts must be between 1 and {InvocationLimits.MaxAttempts}.");
        }

        if (request.IdempotencyKey is { } key && (key.Length == 0 || key.Length > InvocationLimits.MaxIdempotencyKeyLength))
        {
            Fail("idempotencyKey", $"The idempotency key must be 1 to {InvocationLimits.MaxIdempotencyKeyLength} characters.");
        }

        if (request.Tags is { Count: > InvocationLimits.MaxTags })
        {
            Fail("tags", $"At most {InvocationLimits.MaxTags} tags are allowed.");
        }

        return errors;
    }

    /// <summary>The target a request goes to: the one it names, else the default.</summary>
    public string? ResolveTarget(InvokeFunction request) =>
        string.IsNullOrWhiteSpace(request.Target) ? targets.DefaultTarget : request.Target;

    /// <summary>Builds the invocation a request describes, with the configured defaults filled in.</summary>
    public Invocation CreateInvocation(InvokeFunction request, DateTimeOffset now) => new()
    {
        Id = request.InvocationId ?? Guid.CreateVersion7(now),
        Function = request.Function ?? "",
        Target = ResolveTarget(request) ?? "",
        Data = request.Data is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } data ? data : EmptyObject,
        Mode = request.Mode ?? InvocationMode.Async,
        IdempotencyKey = request.IdempotencyKey,
        TimeoutSeconds = request.TimeoutSeconds ?? options.Value.DefaultTimeoutSeconds,
        MaxAttempts = request.MaxAttempts ?? options.Value.DefaultMaxAttempts,
        Tags = request.Tags,
        Status = InvocationStatus.Queued,
        CreatedAt = now,
    };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static string Describe(IReadOnlyCollection<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Order());

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
