using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Contracts;
using Orchestrator.Invocations;
using Orchestrator.Persistence;

namespace Orchestrator.Api;

public static class InvocationsApi
{
    /// <summary>The longest a request may wait for its invocation with <c>?wait=N</c>.</summary>
    public const int MaxWaitSeconds = 300;

    private static readonly TimeSpan StorePollInterval = TimeSpan.FromMilliseconds(500);

    public static IEndpointRouteBuilder MapInvocationsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/invocations").WithTags("Invocations");
        api.MapPost("/", CreateInvocation);
        api.MapGet("/{id:guid}", GetInvocation);
        return endpoints;
    }

    public static async Task<Results<Accepted<InvocationAccepted>, Ok<InvocationResponse>, ValidationProblem>> CreateInvocation(
        [FromBody] InvokeFunction request,
        [FromQuery] int? wait,
        [AsParameters] InvocationsApiServices services,
        CancellationToken cancellationToken)
    {
        var errors = services.Validator.Validate(request).ToDictionary();
        if (wait is < 0 or > MaxWaitSeconds)
        {
            errors["wait"] = [$"wait must be between 0 and {MaxWaitSeconds} seconds."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The invocation request is invalid.");
        }

        var (invocation, owned) = await services.Invocations.AcceptAsync(request, leaseScope: null, cancellationToken);
        if (owned)
        {
            services.Runner.Enqueue(invocation);
        }

        if (wait > 0)
        {
            var finished = await WaitForOutcomeAsync(invocation.Id, TimeSpan.FromSeconds(wait.Value), services, cancellationToken);
            if (finished is not null)
            {
                return TypedResults.Ok(InvocationResponse.From(finished));
            }
        }

        return TypedResults.Accepted($"/api/v1/invocations/{invocation.Id}", new InvocationAccepted(invocation.Id, invocation.Status));
    }

    public static async Task<Results<Ok<InvocationResponse>, ProblemHttpResult>> GetInvocation(
        Guid id,
        IInvocationStore store,
        CancellationToken cancellationToken)
    {
        var invocation = await store.GetAsync(id, cancellationToken);
        return invocation is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Invocation not found.", detail: $"There is no invocation {id}.")
            : TypedResults.Ok(InvocationResponse.From(invocation));
    }

    /// <summary>
    /// Waits for the invocation's terminal status: woken at once when this instance finishes it, and checking
    /// the store now and then in case another instance does.
    /// </summary>
    private static async Task<Invocation?> WaitForOutcomeAsync(
        Guid id, TimeSpan wait, InvocationsApiServices services, CancellationToken cancellationToken)
    {
        var notified = services.Notifier.WhenNotified(id);
        try
        {
            var deadline = services.TimeProvider.GetUtcNow() + wait;
            while (true)
            {
                var invocation = await services.Store.GetAsync(id, cancellationToken);
                if (invocation is not null && invocation.Status.IsTerminal())
                {
                    return invocation;
                }

                var remaining = deadline - services.TimeProvider.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    return null;
                }

                var nap = Task.Delay(remaining < StorePollInterval ? remaining : StorePollInterval, services.TimeProvider, cancellationToken);
                await Task.WhenAny(notified, nap);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            services.Notifier.Forget(id);
        }
    }
}

/// <summary>What the invocation endpoints need, bundled.</summary>
public sealed record InvocationsApiServices(
    InvocationService Invocations,
    InvocationRequestValidator Validator,
    IInvocationStore Store,
    BackgroundInvocationRunner Runner,
    InvocationCompletionNotifier Notifier,
    TimeProvider TimeProvider);
