namespace Fleet.Core.Templating;

/// <summary>
/// Variables in layers, highest precedence first (a host's are built by <c>Inventory.HostScope</c>). Text values containing
/// templates are rendered when looked up (so play vars may refer to other variables); a cycle is an error.
/// </summary>
public sealed class VariableScope : IVariableLookup
{
    private readonly IReadOnlyDictionary<string, object?>[] _layers;
    private readonly List<string> _rendering = [];

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
                value = Values.Native(Resolve(name, raw));
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerable<string> Names => _layers.SelectMany(l => l.Keys).Distinct(StringComparer.Ordinal);

    private object? Resolve(string name, object? raw)
    {
        if (!ContainsTemplate(raw))
        {
            return raw;
        }

        if (_rendering.IndexOf(name) is var first and >= 0)
        {
            throw new FleetInputException(first == _rendering.Count - 1
                ? $"variable '{name}' refers to itself"
                : $"variables refer to each other in a cycle: {string.Join(" → ", _rendering.Skip(first).Append(name))}");
        }

        _rendering.Add(name);
        try
        {
            return Render(raw);
        }
        catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is { File: null }))
        {
            // The error has no place of its own (variables carry none): name the variable; the template that used it adds the place.
            throw new FleetInputException(ex.Errors.Select(e => e.Location is { File: null } ? new InputError(null, $"in variable '{name}': {e.Message}") : e).ToList());
        }
        finally
        {
            _rendering.RemoveAt(_rendering.Count - 1);
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
