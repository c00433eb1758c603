using System.Text.Json.Nodes;
using LocalCloud.Functions;
using LocalCloud.Http;
using LocalCloud.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalCloud.MinApp;

/// <summary>MinApp's function management: create 201, list (paged), get 200/404, patch 202, delete 204/404.</summary>
internal static class MinAppFunctionsApi
{
    public static void MapMinAppFunctions(this RouteGroupBuilder functions)
    {
        functions.MapPost("/", Create);
        functions.MapGet("/", List);
        functions.MapGet("/{name}/", (string name, FunctionRegistry registry) =>
            registry.Find(name) is { } function ? MinAppResults.Ok(MinAppResults.Function(function)) : MinAppResults.FunctionNotFound(name));
        functions.MapPatch("/{name}/", Update);
        functions.MapDelete("/{name}/", (string name, FunctionRegistry registry, JobStore jobs) =>
        {
            var function = registry.Find(name);
            if (function is null || !registry.Delete(name))
            {
                return MinAppResults.FunctionNotFound(name);
            }

            jobs.RemoveFunction(function.Id);
            return Results.NoContent();
        });
    }

    private static async Task<IResult> Create(HttpRequest request, FunctionRegistry registry)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (body is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        if (ReadFields(body, out var name, out var code, out var remark, out var plan) is { } invalid)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, invalid);
        }

        if (name is null || code is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, "name and function_code are required and may not be empty.");
        }

        var function = registry.Create(name, code, remark ?? "");
        if (function is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, $"A cloud function named '{name}' already exists.");
        }

        if (plan is not null)
        {
            function = registry.Update(name, null, null, null, plan).Function!;
        }

        return MinAppResults.Ok(MinAppResults.Function(function), StatusCodes.Status201Created);
    }

    private static IResult List(HttpRequest request, FunctionRegistry registry)
    {
        if (Paging.TryRead(request.Query, out var limit, out var offset) is { } invalid)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, invalid);
        }

        var all = registry.List();
        return MinAppResults.Ok(new
        {
            meta = Paging.Meta(request, limit, offset, all.Count),
            objects = all.Skip(offset).Take(limit).Select(MinAppResults.Function),
        });
    }

    private static async Task<IResult> Update(string name, HttpRequest request, FunctionRegistry registry)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(request);
        if (body is null)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, error!);
        }

        if (ReadFields(body, out var newName, out var code, out var remark, out var plan) is { } invalid)
        {
            return MinAppResults.Error(StatusCodes.Status400BadRequest, invalid);
        }

        var (function, failure) = registry.Update(name, newName, code, remark, plan);
        return failure switch
        {
            FunctionChangeError.NotFound => MinAppResults.FunctionNotFound(name),
            FunctionChangeError.NameTaken => MinAppResults.Error(StatusCodes.Status400BadRequest, $"A cloud function named '{newName}' already exists."),
            _ => MinAppResults.Ok(MinAppResults.Function(function!), StatusCodes.Status202Accepted),
        };
    }

    /// <summary>Reads the writable fields; present ones must be strings, name and code non-empty, the plan a known one.</summary>
    private static string? ReadFields(JsonObject body, out string? name, out string? code, out string? remark, out string? plan)
    {
        code = remark = plan = null;
        if (!JsonBody.TryGetString(body, "name", out name) || (body.ContainsKey("name") && string.IsNullOrWhiteSpace(name)))
        {
            return "name must be a non-empty string.";
        }

        if (name is not null && (name.Contains('/') || name.Length > 64))
        {
            return "name may not contain '/' or be longer than 64 characters.";
        }

        if (!JsonBody.TryGetString(body, "function_code", out code) || (body.ContainsKey("function_code") && string.IsNullOrWhiteSpace(code)))
        {
            return "function_code must be a non-empty string.";
        }

        if (!JsonBody.TryGetString(body, "remark", out remark))
        {
            return "remark must be a string.";
        }

        if (!JsonBody.TryGetString(body, "plan_circle", out plan) || (plan is not null && !FunctionDefinition.IsPlan(plan)))
        {
            return $"plan_circle must be {FunctionDefinition.FreePlan} or {FunctionDefinition.PersonalPlan}.";
        }

        return null;
    }
}
