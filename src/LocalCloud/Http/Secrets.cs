using System.Security.Cryptography;
using System.Text;

namespace LocalCloud.Http;

internal static class Secrets
{
    /// <summary>A random token of <paramref name="bytes"/> bytes, as lowercase hex.</summary>
    public static string NewToken(int bytes = 20) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Compares credentials in constant time.</summary>
    public static bool Equal(string? left, string? right) =>
        left is not null && right is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(left), Encoding.UTF8.GetBytes(right));

    /// <summary>The credential of an <c>Authorization: Bearer &lt;credential&gt;</c> header, or <see langword="null"/>.</summary>
    public static string? Bearer(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;

    /// <summary>Whether <paramref name="pairs"/> holds <paramref name="id"/> with <paramref name="secret"/>.</summary>
    public static bool Matches(IReadOnlyDictionary<string, string> pairs, string? id, string? secret) =>
        id is not null && pairs.TryGetValue(id, out var expected) && Equal(expected, secret);
}
