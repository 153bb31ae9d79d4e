namespace Fleet.Core.Templating;

/// <summary>
/// Variables in layers, highest precedence first (a host's are built by <c>Inventory.HostScope</c>). Text values containing
/// templates are rendered when looked up (so play vars may refer to other variables); a cycle is an error.
/// </summary>
public sealed class VariableScope : IVariableLookup
{
    private readonly IReadOnlyDictionary<string, object?>[] _layers;
    private readonly HashSet<string> _rendering = new(StringComparer.Ordinal);

    private VariableScope(IReadOnlyDictionary<string, object?>[] layers) => _layers = layers;

    /// <summary>A scope over plain layers, highest precedence first (validation without an inventory, tests).</summary>
    public static VariableScope Of(params IReadOnlyDictionary<string, object?>[] layers) => new(layers);

    /// <inheritdoc />
    public bool TryGet(string name, out object? value)
    {
        foreach (var layer in _layers)
        {
            if (layer.TryGetValue(name, out var raw))
            {
                value = Resolve(name, raw);
                return true;
            }
        }

        value = null;
        return false;
    }

    private object? Resolve(string name, object? raw)
    {
        if (!ContainsTemplate(raw))
        {
            return raw;
        }

        if (!_rendering.Add(name))
        {
            throw new FleetInputException($"variable '{name}' refers to itself");
        }

        try
        {
            return Render(raw);
        }
        finally
        {
            _rendering.Remove(name);
        }
    }

    private object? Render(object? raw) => raw switch
    {
        string s => Template.RenderUnchecked(s, this, default),
        IReadOnlyList<object?> list => list.Select(Render).ToList(),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Render(kv.Value), StringComparer.Ordinal),
        _ => raw,
    };

    private static bool ContainsTemplate(object? value) => value switch
    {
        string s => Template.HasTemplate(s),
        IReadOnlyList<object?> list => list.Any(ContainsTemplate),
        IReadOnlyDictionary<string, object?> map => map.Values.Any(ContainsTemplate),
        _ => false,
    };
}
