using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace LocalCloud.Http;

/// <summary>MinApp's paging: <c>limit</c> (default 20) and <c>offset</c>, answered with <c>meta</c> whose <c>next</c> and <c>previous</c> are relative URLs.</summary>
internal static class Paging
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1_000;

    public static string? TryRead(IQueryCollection query, out int limit, out int offset)
    {
        limit = DefaultLimit;
        offset = 0;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return $"limit must be an integer from 1 to {MaxLimit}, not '{limitText}'.";
        }

        if (query.TryGetValue("offset", out var offsetText)
            && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return $"offset must be a non-negative integer, not '{offsetText}'.";
        }

        return null;
    }

    public static object Meta(HttpRequest request, int limit, int offset, int totalCount) => new
    {
        limit,
        next = offset + limit < totalCount ? Link(request, limit, offset + limit) : null,
        offset,
        previous = offset > 0 ? Link(request, limit, Math.Max(0, offset - limit)) : null,
        total_count = totalCount,
    };

    private static string Link(HttpRequest request, int limit, int offset)
    {
        var parameters = request.Query
            .Where(pair => pair.Key is not ("limit" or "offset"))
            .Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value.ToString()))
            .Append(KeyValuePair.Create("limit", (string?)limit.ToString(CultureInfo.InvariantCulture)))
            .Append(KeyValuePair.Create("offset", (string?)offset.ToString(CultureInfo.InvariantCulture)));
        return request.PathBase + request.Path + QueryString.Create(parameters);
    }
}
