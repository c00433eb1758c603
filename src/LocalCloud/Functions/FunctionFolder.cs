namespace LocalCloud.Functions;

/// <summary>Loads functions from a folder: <c>&lt;dir&gt;/&lt;name&gt;/index.js</c> or <c>&lt;dir&gt;/&lt;name&gt;.js</c>.</summary>
public static class FunctionFolder
{
    public static IReadOnlyList<string> Load(FunctionRegistry registry, string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"LocalCloud:FunctionsPath '{path}' is not a folder.");
        }

        var loaded = new List<string>();
        foreach (var file in Directory.EnumerateFiles(path, "*.js").Order(StringComparer.Ordinal))
        {
            loaded.Add(Add(registry, Path.GetFileNameWithoutExtension(file), file));
        }

        foreach (var folder in Directory.EnumerateDirectories(path).Order(StringComparer.Ordinal))
        {
            var index = Path.Combine(folder, "index.js");
            if (File.Exists(index))
            {
                loaded.Add(Add(registry, Path.GetFileName(folder), index));
            }
        }

        return loaded;
    }

    private static string Add(FunctionRegistry registry, string name, string file)
    {
        registry.Upsert(name, File.ReadAllText(file), Path.GetFullPath(file));
        return name;
    }
}
