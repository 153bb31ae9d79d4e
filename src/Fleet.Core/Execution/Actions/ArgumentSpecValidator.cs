using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// Ansible's ArgumentSpecValidator as a role's argument spec runs it (module_utils/common/arg_spec.py and parameters.py): aliases,
/// defaults (used by the checks, never set as variables), required, types and elements, choices, then for nested <c>options</c>
/// the same plus <c>mutually_exclusive</c>, <c>required_together</c>, <c>required_one_of</c>, <c>required_if</c> and
/// <c>required_by</c>, and last the unsupported parameters; its messages in its order and words.
/// </summary>
internal static class ArgumentSpecValidator
{
    /// <summary>The error messages of <paramref name="parameters"/> (changed in place: aliases, defaults, conversions) against <paramref name="spec"/>.</summary>
    public static List<string> Validate(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters)
    {
        var errors = new List<string>();
        var unsupported = new List<(string Name, List<string> Supported, List<string> Aliases)>();
        var aliases = Aliases(spec, parameters, errors);
        Unsupported(spec, parameters, aliases, [], unsupported);
        SetDefaults(spec, parameters, onlyGiven: true);
        Required(spec, parameters, [], errors);
        Types(spec, parameters, [], errors);
        Choices(spec, parameters, [], errors);
        SetDefaults(spec, parameters, onlyGiven: false);
        SubSpecs(spec, parameters, [], errors, unsupported);
        if (unsupported.Count > 0)
        {
            // As Ansible: every name, sorted, then the supported names of the last one met.
            var last = unsupported[^1];
            var supported = string.Join(", ", last.Supported.Order(StringComparer.Ordinal)) + (last.Aliases.Count > 0 ? $" ({string.Join(", ", last.Aliases.Order(StringComparer.Ordinal))})" : "");
            errors.Add($"{string.Join(", ", unsupported.Select(u => u.Name).Order(StringComparer.Ordinal))}. Supported parameters include: {supported}.");
        }

        return errors;
    }

    private static IReadOnlyDictionary<string, object?> Option(object? option) => option as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();

    private static object? Get(IReadOnlyDictionary<string, object?> spec, string option, string key) => Option(spec[option]).GetValueOrDefault(key);

    private static string Context(List<string> context) => string.Join(" -> ", context);

    /// <summary>Alias → option; each alias given sets its option. An option both required and with a default stops here, as in Ansible.</summary>
    private static Dictionary<string, string> Aliases(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters, List<string> errors)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, option) in spec)
        {
            var o = Option(option);
            if (o.GetValueOrDefault("default") is not null && Values.ToBool(o.GetValueOrDefault("required")) == true)
            {
                errors.Add($"internal error: required and default are mutually exclusive for {name}");
                return result;
            }

            if (o.GetValueOrDefault("aliases") is not IReadOnlyList<object?> list)
            {
                if (o.GetValueOrDefault("aliases") is not null)
                {
                    errors.Add("internal error: aliases must be a list or tuple");
                    return result;
                }

                continue;
            }

            foreach (var alias in list.Select(Values.ToPython))
            {
                result[alias] = name;
                if (parameters.TryGetValue(alias, out var value))
                {
                    parameters[name] = value;
                }
            }
        }

        return result;
    }

    private static void Unsupported(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters, Dictionary<string, string> aliases, List<string> context, List<(string, List<string>, List<string>)> unsupported)
    {
        foreach (var key in parameters.Keys.Where(k => !spec.ContainsKey(k) && !aliases.ContainsKey(k)))
        {
            unsupported.Add((string.Join(".", [.. context, key]), [.. spec.Keys], [.. aliases.Keys]));
        }
    }

    private static void SetDefaults(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters, bool onlyGiven)
    {
        foreach (var (name, option) in spec)
        {
            var fallback = Option(option).GetValueOrDefault("default");
            if (!parameters.ContainsKey(name) && (fallback is not null || !onlyGiven))
            {
                parameters[name] = fallback;
            }
        }
    }

    private static void Required(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        var missing = spec.Keys.Where(k => Values.ToBool(Get(spec, k, "required")) == true && !parameters.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            errors.Add(Found($"missing required arguments: {string.Join(", ", missing)}", context));
        }
    }

    private static string Found(string message, List<string> context) => context.Count == 0 ? message : $"{message} found in {Context(context)}";

    private static void Types(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        foreach (var name in spec.Keys)
        {
            if (!parameters.TryGetValue(name, out var value) || value is null)
            {
                continue;
            }

            var type = Get(spec, name, "type") is { } t ? Values.ToPython(t) : "str";
            var where = context.Count == 0 ? "" : $" found in '{Context(context)}'.";
            if (!ArgumentTypes.TryConvert(type, value, out var converted, out var why))
            {
                errors.Add($"argument '{name}' is of type {ArgumentTypes.PythonType(value)}{where} and we were unable to convert to {type}: {why}");
                continue;
            }

            parameters[name] = converted;
            if (Get(spec, name, "elements") is not { } elementsType)
            {
                continue;
            }

            var elements = Values.ToPython(elementsType);
            if (type != "list" || converted is not List<object?> items)
            {
                errors.Add($"Invalid type {type} for option '{Values.ToPython(converted)}'{where}, elements value check is supported only with 'list' type");
                continue;
            }

            var checkedItems = new List<object?>();
            foreach (var item in items)
            {
                if (ArgumentTypes.TryConvert(elements, item, out var element, out var elementWhy))
                {
                    checkedItems.Add(element);
                }
                else
                {
                    var within = context.Count == 0 ? "" : $" found in '{Context(context)}'";
                    errors.Add($"Elements value for option '{name}'{within} is of type {ArgumentTypes.PythonType(item)} and we were unable to convert to {elements}: {elementWhy}");
                }
            }

            parameters[name] = checkedItems;
        }
    }

    private static void Choices(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        foreach (var name in spec.Keys)
        {
            if (Get(spec, name, "choices") is not { } choicesValue || !parameters.TryGetValue(name, out var value))
            {
                continue;
            }

            if (choicesValue is not IReadOnlyList<object?> choices)
            {
                errors.Add(Found($"internal error: choices for argument {name} are not iterable: {Values.ToPython(choicesValue)}", context));
                continue;
            }

            var allowed = string.Join(", ", choices.Select(Values.ToPython));
            if (value is IReadOnlyList<object?> list)
            {
                var unknown = list.Where(v => !choices.Any(c => ArgumentTypes.PyEquals(v, c))).ToList();
                if (unknown.Count > 0)
                {
                    errors.Add(Found($"value of {name} must be one or more of: {allowed}. Got no match for: {string.Join(", ", unknown.Select(Values.ToPython))}", context));
                }
            }
            else if (!choices.Any(c => ArgumentTypes.PyEquals(value, c)))
            {
                // As Ansible: the text True or False matches the one boolean word among the choices, if there is exactly one.
                var words = value is "True" ? new object?[] { "y", "yes", "on", "1", "true", "t", 1L, 1.0, true } : value is "False" ? ["n", "no", "off", "0", "false", "f", 0L, 0.0, false] : [];
                if (choices.Where(c => words.Any(w => w?.GetType() == c?.GetType() && ArgumentTypes.PyEquals(w, c))).ToList() is [var only])
                {
                    parameters[name] = only;
                }
                else
                {
                    errors.Add(Found($"value of {name} must be one of: {allowed}, got: {Values.ToPython(value)}", context));
                }
            }
        }
    }

    /// <summary>The nested <c>options</c> of a dict or a list of dicts: each element checked as Ansible's _validate_sub_spec does.</summary>
    private static void SubSpecs(IReadOnlyDictionary<string, object?> spec, Dictionary<string, object?> parameters, List<string> context, List<string> errors, List<(string, List<string>, List<string>)> unsupported)
    {
        foreach (var (name, option) in spec)
        {
            var o = Option(option);
            var type = o.GetValueOrDefault("type") is { } t ? Values.ToPython(t) : null;
            if (!(type == "dict" || (type == "list" && o.GetValueOrDefault("elements") is "dict")))
            {
                continue;
            }

            var subSpec = o.GetValueOrDefault("options") as IReadOnlyDictionary<string, object?>;
            if (Values.ToBool(o.GetValueOrDefault("apply_defaults")) == true)
            {
                if (subSpec is null)
                {
                    continue;
                }

                if (parameters.GetValueOrDefault(name) is null)
                {
                    parameters[name] = new Dictionary<string, object?>(StringComparer.Ordinal);
                }
            }
            else if (subSpec is null || parameters.GetValueOrDefault(name) is null)
            {
                continue;
            }

            context.Add(name);
            var value = parameters[name];
            var elements = value is IReadOnlyList<object?> list ? list.ToList() : [value];
            for (var i = 0; i < elements.Count; i++)
            {
                if (elements[i] is not IReadOnlyDictionary<string, object?> given)
                {
                    errors.Add($"value of '{name}' must be of type dict or list of dicts");
                    continue;
                }

                var sub = new Dictionary<string, object?>(given, StringComparer.Ordinal);
                var aliases = Aliases(subSpec, sub, errors);
                Unsupported(subSpec, sub, aliases, context, unsupported);
                MutuallyExclusive(o.GetValueOrDefault("mutually_exclusive"), sub, context, errors);
                SetDefaults(subSpec, sub, onlyGiven: true);
                Required(subSpec, sub, context, errors);
                Types(subSpec, sub, context, errors);
                Choices(subSpec, sub, context, errors);
                RequiredTogether(o.GetValueOrDefault("required_together"), sub, context, errors);
                RequiredOneOf(o.GetValueOrDefault("required_one_of"), sub, context, errors);
                RequiredIf(o.GetValueOrDefault("required_if"), sub, context, errors);
                RequiredBy(o.GetValueOrDefault("required_by"), sub, context, errors);
                SetDefaults(subSpec, sub, onlyGiven: false);
                SubSpecs(subSpec, sub, context, errors, unsupported);
                elements[i] = sub;
            }

            parameters[name] = value is IReadOnlyList<object?> ? elements : elements[0];
            context.RemoveAt(context.Count - 1);
        }
    }

    private static List<List<string>> Groups(object? terms) => terms is IReadOnlyList<object?> list
        ? list.Select(g => g is IReadOnlyList<object?> group ? group.Select(Values.ToPython).ToList() : [Values.ToPython(g)]).ToList()
        : [];

    private static int Count(IEnumerable<string> terms, Dictionary<string, object?> parameters) => terms.Distinct(StringComparer.Ordinal).Count(parameters.ContainsKey);

    private static void MutuallyExclusive(object? terms, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        var clashes = Groups(terms).Where(g => Count(g, parameters) > 1).ToList();
        if (clashes.Count > 0)
        {
            errors.Add(Found($"parameters are mutually exclusive: {string.Join(", ", clashes.Select(g => string.Join("|", g)))}", context));
        }
    }

    private static void RequiredTogether(object? terms, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        if (Groups(terms).FirstOrDefault(g => g.Any(parameters.ContainsKey) && !g.All(parameters.ContainsKey)) is { } group)
        {
            errors.Add(Found($"parameters are required together: {string.Join(", ", group)}", context));
        }
    }

    private static void RequiredOneOf(object? terms, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        if (Groups(terms).FirstOrDefault(g => Count(g, parameters) == 0) is { } group)
        {
            errors.Add(Found($"one of the following is required: {string.Join(", ", group)}", context));
        }
    }

    private static void RequiredIf(object? requirements, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        if (requirements is not IReadOnlyList<object?> list)
        {
            return;
        }

        foreach (var requirement in list.OfType<IReadOnlyList<object?>>().Where(r => r.Count is 3 or 4))
        {
            var key = Values.ToPython(requirement[0]);
            var wanted = requirement[1];
            var needed = requirement[2] is IReadOnlyList<object?> names ? names.Select(Values.ToPython).ToList() : [Values.ToPython(requirement[2])];
            var any = requirement.Count == 4 && Values.Truthy(requirement[3]);
            if (!parameters.TryGetValue(key, out var value) || !ArgumentTypes.PyEquals(value, wanted))
            {
                continue;
            }

            var missing = needed.Where(n => !parameters.ContainsKey(n)).ToList();
            if (missing.Count > 0 && missing.Count >= (any ? needed.Count : 0))
            {
                // The first requirement not met is the message, as Ansible raises on it.
                errors.Add(Found($"{key} is {Values.ToPython(wanted)} but {(any ? "any" : "all")} of the following are missing: {string.Join(", ", missing)}", context));
                return;
            }
        }
    }

    private static void RequiredBy(object? requirements, Dictionary<string, object?> parameters, List<string> context, List<string> errors)
    {
        if (requirements is not IReadOnlyDictionary<string, object?> map)
        {
            return;
        }

        foreach (var (key, needs) in map)
        {
            if (parameters.GetValueOrDefault(key) is null)
            {
                continue;
            }

            var names = needs is IReadOnlyList<object?> list ? list.Select(Values.ToPython).ToList() : [Values.ToPython(needs)];
            var missing = names.Where(n => parameters.GetValueOrDefault(n) is null).ToList();
            if (missing.Count > 0)
            {
                errors.Add(Found($"missing parameter(s) required by '{key}': {string.Join(", ", missing)}", context));
                return;
            }
        }
    }
}
