using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalCloud.Faults;

/// <summary><c>GET</c> / <c>PUT /_localcloud/faults</c>: read or replace the fault rules while the local cloud runs.</summary>
internal static class FaultsApi
{
    public static void MapFaults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/_localcloud/faults", (FaultInjector faults) => Results.Json(faults.Rules));
        endpoints.MapPut("/_localcloud/faults", (List<FaultRule> rules, FaultInjector faults) =>
        {
            var errors = rules.Select((rule, index) => (index, error: rule.Validate()))
                .Where(result => result.error is not null)
                .ToDictionary(result => $"[{result.index}]", result => new[] { result.error! });
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            faults.Replace(rules);
            return Results.Json(faults.Rules);
        });
    }
}
