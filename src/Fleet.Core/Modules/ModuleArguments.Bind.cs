using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Core.Yaml;
using Fleet.Core.Templating;

namespace Fleet.Core.Modules;

public sealed partial class ModuleArguments
{
    /// <summary>
    /// Renders a task's raw arguments for one host and converts them to the module's parameter types: String → string, Int → long,
    /// Bool → bool (YAML 1.1: yes/no/on/off/true/false), StringList → list (a scalar or comma-separated text is a list),
    /// StringMap → map, Mode → "0644"-style octal text or symbolic text as written. Aliases become canonical names.
    /// Unknown or missing parameters, wrong types and bad choices are a <see cref="FleetInputException"/> at the value's file:line:column.
    /// </summary>
    public static ModuleArguments Bind(IModuleSpec module, MapArg args, IVariableLookup variables)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(args);
        args = WithVariableParams(args, variables);
        var errors = new List<InputError>();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var names = module.Parameters.SelectMany(p => (p.Aliases ?? []).Prepend(p.Name)).ToList();
        foreach (var (key, value) in args.Entries)
        {
            var spec = module.Parameters.FirstOrDefault(p => p.Name == key || (p.Aliases?.Contains(key) ?? false));
            if (spec is null)
            {
                errors.Add(new InputError(value.Location, $"{module.Name}: unknown parameter '{key}'{YamlFile.DidYouMean(key, names)}"));
                continue;
            }

            try
            {
                var converted = ConvertValue(spec, value, variables);
                if (converted is null)
                {
                    continue;
                }

                if (spec.Choices is { } words && converted is "True" or "False" or "true" or "false"
                    && words.Where(w => (converted is "True" or "true" ? BooleanTrueWords : BooleanFalseWords).Contains(w)).ToList() is [var word])
                {
                    converted = word; // as Ansible: YAML read yes/no as a boolean; the one boolean word among the choices is meant
                }

                if (spec.Choices is { } choices && converted is string text && !choices.Contains(text))
                {
                    errors.Add(new InputError(value.Location, $"{module.Name}: {spec.Name} must be one of {string.Join(", ", choices)}, not '{text}'{YamlFile.DidYouMean(text, choices)}"));
                    continue;
                }

                values[spec.Name] = converted;
                locations[spec.Name] = value.Location;
            }
            catch (FleetInputException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        foreach (var missing in module.Parameters.Where(p => p.Required && !values.ContainsKey(p.Name)))
        {
            errors.Add(new InputError(args.Location, $"{module.Name}: missing required parameter '{missing.Name}'"));
        }

        if (errors.Count == 0)
        {
            foreach (var problem in module.CheckCombination(values.Keys.ToHashSet(StringComparer.Ordinal)))
            {
                errors.Add(new InputError(args.Location, $"{module.Name}: {problem}"));
            }
        }

        return errors.Count > 0 ? throw new FleetInputException(errors) : new ModuleArguments(values, locations);
    }

    private static object? ConvertValue(ParameterSpec spec, ArgValue value, IVariableLookup variables)
    {
        string Describe(object? v) => v switch
        {
            IReadOnlyList<object?> => "a list",
            IReadOnlyDictionary<string, object?> => "a mapping",
            _ => $"'{Values.ToText(v)}'",
        };

        FleetInputException Wrong(object? v, string expected) => new(value.Location, $"{spec.Name} must be {expected}, not {Describe(v)}");

        switch (spec.Type)
        {
            case ParameterType.StringList:
                return value switch
                {
                    ListArg list => list.Items.Select(i => Values.ToText(Scalar(i, variables) is var v && v is IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> ? throw Wrong(v, "a list of text") : v)).ToList(),
                    _ => Scalar(value, variables) switch
                    {
                        null => [],
                        IReadOnlyList<object?> items => items.Select(Values.ToText).ToList(),
                        IReadOnlyDictionary<string, object?> map => throw Wrong(map, "a list"),
                        var v => Values.ToText(v).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList<string>(),
                    },
                };
            case ParameterType.StringMap:
                if (value is MapArg mapArg)
                {
                    return mapArg.Entries.ToDictionary(e => e.Key, e => Values.ToText(Scalar(e.Value, variables)), StringComparer.Ordinal);
                }

                return Scalar(value, variables) switch
                {
                    null => null,
                    IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Values.ToText(kv.Value), StringComparer.Ordinal),
                    var v => throw Wrong(v, "a mapping"),
                };
        }

        if (value is not ScalarArg scalar)
        {
            throw new FleetInputException(value.Location, $"{spec.Name} must be {spec.Type switch { ParameterType.String => "text", ParameterType.Regex => "a regular expression", var t => t.ToString().ToLowerInvariant() }}, not {(value is ListArg ? "a list" : "a mapping")}");
        }

        var rendered = Scalar(scalar, variables);
        switch (spec.Type)
        {
            case ParameterType.String:
                return rendered is IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> ? throw Wrong(rendered, "text") : rendered is null ? null : Values.ToText(rendered);
            case ParameterType.Regex:
                if (rendered is IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>)
                {
                    throw Wrong(rendered, "a regular expression");
                }

                if (rendered is null)
                {
                    return null;
                }

                var pattern = Values.ToText(rendered);
                try
                {
                    _ = new Regex(pattern, RegexOptions.CultureInvariant);
                }
                catch (RegexParseException ex)
                {
                    throw new FleetInputException(value.Location, $"{spec.Name} is not a valid regular expression: {ex.Message}");
                }

                return pattern;
            case ParameterType.Int:
                return rendered switch
                {
                    null => null,
                    long n => n,
                    var v when long.TryParse(Values.ToText(v), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
                    var v => throw Wrong(v, "a whole number"),
                };
            case ParameterType.Bool:
                return rendered is null ? null : Values.ToBool(rendered) ?? throw Wrong(rendered, "a boolean (true/false, yes/no)");
            case ParameterType.Mode:
                // The text as written: an unquoted 0644 must stay 0644, not become 420.
                var text = Template.HasTemplate(scalar.Value) ? Values.ToText(rendered) : scalar.Value ?? "";
                return rendered is null ? null : (spec.ModeWords.Contains(text.Trim()) ? text.Trim() : NormaliseMode(text)) ?? throw Wrong(text, "an octal mode like \"0644\" or symbolic like u=rw,g=r,o=r");
            default:
                throw new InvalidOperationException($"unknown parameter type {spec.Type}");
        }
    }

    /// <summary>"644"/"0644" → "0644"; symbolic modes kept as written; null when invalid.</summary>
    public static string? NormaliseMode(string text)
    {
        text = text.Trim();
        if (Regex.IsMatch(text, "^0?[0-7]{3,4}$", RegexOptions.CultureInvariant))
        {
            var digits = text.TrimStart('0');
            return digits.Length > 4 ? null : digits.PadLeft(4, '0');
        }

        return Regex.IsMatch(text, "^([ugoa]*[-+=][rwxXst]*)(,[ugoa]*[-+=][rwxXst]*)*$", RegexOptions.CultureInvariant) ? text : null;
    }

    /// <summary>A scalar's value: YAML 1.1 typing for unquoted text, templates rendered.</summary>
    private static object? Scalar(ArgValue value, IVariableLookup variables) => value switch
    {
        ScalarArg { Value: { } text } s when Template.HasTemplate(text) => Template.Render(text, variables, s.Location),
        ScalarArg { Quoted: true } s => s.Value ?? "",
        ScalarArg s => YamlFile.Scalar(s.Value),
        ListArg list => list.Items.Select(i => Scalar(i, variables)).ToList(),
        MapArg map => map.Entries.ToDictionary(e => e.Key, e => Scalar(e.Value, variables), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>Ansible's BOOLEANS_TRUE words that a choice can be.</summary>
    private static readonly string[] BooleanTrueWords = ["y", "yes", "on", "1", "true", "t"];

    /// <summary>Ansible's BOOLEANS_FALSE words that a choice can be.</summary>
    private static readonly string[] BooleanFalseWords = ["n", "no", "off", "0", "false", "f"];
}
