
namespace Fleet.Core.Modules;

/// <summary>
/// A task's module arguments after rendering for one host, converted to the parameters' types.
/// (Placeholder shape from the lead: the binder from raw YAML args is added beside it.)
/// </summary>
public sealed partial class ModuleArguments
{
    private readonly IReadOnlyDictionary<string, object?> _values;
    private readonly IReadOnlyDictionary<string, SourceLocation> _locations;

    /// <summary>Creates arguments from already converted values (canonical names) and where each was written.</summary>
    public ModuleArguments(IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, SourceLocation>? locations = null)
    {
        _values = values;
        _locations = locations ?? new Dictionary<string, SourceLocation>();
    }

    /// <summary>True when the parameter was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The parameter as text, or null when absent.</summary>
    public string? GetString(string name) => _values.GetValueOrDefault(name) is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The parameter as text; throws when absent.</summary>
    public string GetRequiredString(string name) => GetString(name) ?? throw new FleetInputException(null, $"missing required parameter '{name}'");

    /// <summary>The parameter as an integer, or null.</summary>
    public long? GetInt(string name) => _values.GetValueOrDefault(name) is { } v ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The parameter as a boolean, or null.</summary>
    public bool? GetBool(string name) => _values.GetValueOrDefault(name) is bool b ? b : null;

    /// <summary>The parameter as a boolean, or the default.</summary>
    public bool GetBool(string name, bool defaultValue) => GetBool(name) ?? defaultValue;

    /// <summary>The parameter as a list of text, or null.</summary>
    public IReadOnlyList<string>? GetList(string name) => _values.GetValueOrDefault(name) as IReadOnlyList<string>;

    /// <summary>The parameter as a map of text, or null.</summary>
    public IReadOnlyDictionary<string, string>? GetMap(string name) => _values.GetValueOrDefault(name) as IReadOnlyDictionary<string, string>;

    /// <summary>These arguments with one parameter's value replaced (a host path once expanded), kept where it was written.</summary>
    public ModuleArguments With(string name, object? value)
    {
        var values = new Dictionary<string, object?>(_values, StringComparer.Ordinal) { [name] = value };
        return new ModuleArguments(values, _locations);
    }

    /// <summary>Where the parameter was written (for error messages).</summary>
    public SourceLocation LocationOf(string name) => _locations.GetValueOrDefault(name);
}
