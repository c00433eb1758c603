namespace LocalCloud;

/// <summary>Where the local cloud's routes are mapped, so the absolute links it hands out (log URLs) point back to it.</summary>
public sealed class LocalCloudEndpoints
{
    /// <summary>The path prefix given to <c>MapLocalCloud</c>; empty when it owns the host's root.</summary>
    public string Prefix { get; internal set; } = "";
}
