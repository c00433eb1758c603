using System.Collections.Concurrent;

namespace LocalCloud.Functions;

/// <summary>The functions every surface serves, by name. Thread-safe; changes are serialized.</summary>
public sealed class FunctionRegistry(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, FunctionDefinition> _byName = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _nextId;

    public FunctionDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>All functions, oldest first.</summary>
    public IReadOnlyList<FunctionDefinition> List() => [.. _byName.Values.OrderBy(function => function.Id)];

    /// <summary>Creates a function, or returns <see langword="null"/> when the name is taken.</summary>
    public FunctionDefinition? Create(string name, string code, string remark = "", string? sourcePath = null)
    {
        lock (_gate)
        {
            if (_byName.ContainsKey(name))
            {
                return null;
            }

            var now = timeProvider.GetUtcNow();
            var function = new FunctionDefinition(++_nextId, name, code, remark, FunctionDefinition.FreePlan, now, now, 1, sourcePath);
            _byName[name] = function;
            return function;
        }
    }

    /// <summary>Creates the function or replaces its code (loading a folder over the samples, say).</summary>
    public FunctionDefinition Upsert(string name, string code, string? sourcePath)
    {
        lock (_gate)
        {
            return _byName.TryGetValue(name, out var existing)
                ? Replace(existing, existing with { Code = code, SourcePath = sourcePath })
                : Create(name, code, sourcePath: sourcePath)!;
        }
    }

    /// <summary>Applies a change. Returns the new version, or why it could not be applied.</summary>
    public (FunctionDefinition? Function, FunctionChangeError Error) Update(
        string name, string? newName, string? code, string? remark, string? planCircle)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(name, out var existing))
            {
                return (null, FunctionChangeError.NotFound);
            }

            if (newName is not null && newName != name && _byName.ContainsKey(newName))
            {
                return (null, FunctionChangeError.NameTaken);
            }

            var changed = existing with
            {
                Name = newName ?? existing.Name,
                Code = code ?? existing.Code,
                Remark = remark ?? existing.Remark,
                PlanCircle = planCircle ?? existing.PlanCircle,
                SourcePath = code is null ? existing.SourcePath : null,
            };
            if (changed.Name != name)
            {
                _byName.TryRemove(name, out _);
            }

            return (Replace(existing, changed), FunctionChangeError.None);
        }
    }

    public bool Delete(string name)
    {
        lock (_gate)
        {
            return _byName.TryRemove(name, out _);
        }
    }

    private FunctionDefinition Replace(FunctionDefinition existing, FunctionDefinition changed)
    {
        changed = changed with { Version = existing.Version + 1, UpdatedAt = timeProvider.GetUtcNow() };
        _byName[changed.Name] = changed;
        return changed;
    }
}

public enum FunctionChangeError
{
    None,
    NotFound,
    NameTaken,
}
