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

    /// <summary>The variable's value as written (a template not rendered), or false when it is undefined.</summary>
    public bool TryGetRaw(string name, out object? raw)
    {
        foreach (var layer in _layers)
        {
            if (layer.TryGetValue(name, out raw))
            {
                return true;
            }
        }

        raw = null;
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

        if (_rendering.Count >= RenderBudget.Limits.MaxDepth)
        {
            throw new FleetInputException($"variables use variables deeper than {RenderBudget.Phrase} {RenderBudget.Limits.MaxDepth} levels: {Chain(_rendering.Append(name).ToList())}");
        }

        var rendered = RenderBudget.RenderedVariables;
        if (rendered is not null && rendered.TryGetValue((this, name), out var known))
        {
            return known;
        }

        _rendering.Add(name);
        FleetInputException? named = null;
        try
        {
            var value = Render(raw);
            if (rendered is not null && Repeatable(raw))
            {
                rendered[(this, name)] = value;
            }

            return value;
        }
        catch (FleetInputException ex) when (ex.Errors is [{ Location: null or { File: null } } only] && RenderBudget.IsBudgetError(only))
        {
            // A limit reached inside a chain of variables names the chain once (not "in variable 'x'" at each of its levels).
            var message = ex.Errors[0].Message;
            named = message.Contains(" → ", StringComparison.Ordinal) || message.Contains(", in variable", StringComparison.Ordinal)
                ? ex
                : new FleetInputException(ex.Errors[0].Location, $"{message}, in {(_rendering.Count > 1 ? "variables " + Chain(_rendering) : $"variable '{name}'")}");
        }
        catch (FleetInputException ex) when (ex.Errors.Any(e => e.Location is { File: null }))
        {
            // The error has no place of its own (variables carry none): name the variable; the template that used it adds the place.
            named = new FleetInputException(ex.Errors.Select(e => e.Location is { File: null } ? new InputError(null, $"in variable '{name}': {e.Message}") : e).ToList());
        }
        finally
        {
            _rendering.RemoveAt(_rendering.Count - 1);
        }

        // Thrown after the catch has unwound (a throw inside a catch at each level of a long chain overflows the stack).
        throw named!;
    }

    // A long chain is shown by its first and last names.
    private static string Chain(IReadOnlyList<string> names) =>
        names.Count <= 8 ? string.Join(" → ", names) : $"{string.Join(" → ", names.Take(4))} → … ({names.Count - 8} more) → {string.Join(" → ", names.TakeLast(4))}";

    private object? Render(object? raw) => raw switch
    {
        string s => Template.RenderUnchecked(s, this, default),
        IReadOnlyList<object?> list => list.Select(Render).ToList(),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Render(kv.Value), StringComparer.Ordinal),
        _ => raw,
    };

    // Texts that may render differently at each use (a lookup, a random choice or salt, the time): never reused within a render.
    private static readonly string[] Changing = ["lookup", "query", "q(", "random", "shuffle", "now(", "password", "uuid"];

    /// <summary>True when rendering <paramref name="raw"/> twice in one render gives the same value, so the first result can be reused.</summary>
    private static bool Repeatable(object? raw) => raw switch
    {
        string s => !Changing.Any(c => s.Contains(c, StringComparison.Ordinal)),
        IReadOnlyList<object?> list => list.All(Repeatable),
        IReadOnlyDictionary<string, object?> map => map.Values.All(Repeatable),
        _ => true,
    };

    private static bool ContainsTemplate(object? value) => value switch
    {
        string s => Template.HasTemplate(s),
        ScannedMap map => map.Template.Get(() => map.Values.Any(ContainsTemplate)),
        ScannedList list => list.Template.Get(() => list.Any(ContainsTemplate)),
        IReadOnlyList<object?> list => list.Any(ContainsTemplate),
        IReadOnlyDictionary<string, object?> map => map.Values.Any(ContainsTemplate),
        _ => false,
    };
}
