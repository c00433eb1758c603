namespace Orchestrator.Contracts;

/// <summary>Why an invocation did not end <see cref="InvocationStatus.Fulfilled"/>.</summary>
/// <param name="Type">A short machine-readable category, e.g. <c>validation</c>, <c>http</c>, <c>timeout</c>.</param>
/// <param name="Message">A readable explanation; for validation errors it names the offending field.</param>
/// <param name="Code">The provider's own error code or HTTP status, when there is one.</param>
public sealed record InvocationError(string Type, string Message, string? Code = null);
