using System.Globalization;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// <c>validate_argument_spec</c>, as Ansible puts it at the start of a role with an argument spec: the task's variables of the spec's
/// names are checked for required, type (converted as Ansible does), elements and choices; defaults are not applied.
/// </summary>
internal sealed class ValidateArgumentSpecAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.ValidateArgumentSpec;

    public override TaskResult Run(ActionCall call)
    {
        var options = call.Task.Args["argument_spec"] is MapArg map ? map : new MapArg([], call.Task.Args.Location);
        var provided = call.Value("provided_arguments") as IReadOnlyDictionary<string, object?>;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, option) in options.Entries)
        {
            if (provided is not null && provided.TryGetValue(name, out var given))
            {
                values[name] = given;
            }
            else if (call.Scope.TryGet(name, out _))
            {
                values[name] = Template.Render("{{ " + name + " }}", call.Scope, option.Location);
            }
        }

        var errors = Check(options, values);
        var context = new Dictionary<string, object?>(StringComparer.Ordinal) { ["validate_args_context"] = call.Value("validate_args_context") };
        return errors.Count == 0
            ? call.Done(TaskOutcome.Ok, "The arg spec validation passed", context)
            : call.Done(TaskOutcome.Failed, "Validation of arguments failed:\n" + string.Join("\n", errors), context);
    }

    /// <summary>Ansible's checks of <paramref name="values"/> against the spec's options, in its order and words.</summary>
    internal static List<string> Check(MapArg options, IReadOnlyDictionary<string, object?> values)
    {
        var errors = new List<string>();
        string? Key(ArgValue option, string key) => option is MapArg m && m[key] is ScalarArg { Value: { } v } ? v : null;

        var missing = options.Entries.Where(o => Key(o.Value, "required") is { } r && Values.ToBool(r) is true && !values.ContainsKey(o.Key)).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"missing required arguments: {string.Join(", ", missing)}");
        }

        var converted = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, option) in options.Entries)
        {
            if (!values.TryGetValue(name, out var value) || value is null)
            {
                continue;
            }

            var type = Key(option, "type") ?? "str";
            if (!TryConvert(type, value, out var result, out var why))
            {
                errors.Add($"argument '{name}' is of type {PythonType(value)} and we were unable to convert to {type}: {why}");
                continue;
            }

            if (type == "list" && Key(option, "elements") is { } elements && result is List<object?> items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (!TryConvert(elements, items[i], out var element, out var elementWhy))
                    {
                        errors.Add($"Elements value for option '{name}' is of type {PythonType(items[i])} and we were unable to convert to {elements}: {elementWhy}");
                        break;
                    }

                    items[i] = element;
                }
            }

            converted[name] = result;
        }

        foreach (var (name, option) in options.Entries)
        {
            if (option is not MapArg m || m["choices"] is not ListArg choices || !converted.TryGetValue(name, out var value))
            {
                continue;
            }

            var allowed = choices.Items.Select(c => c is ScalarArg { Value: { } v } ? v : "").ToList();
            if (value is List<object?> list)
            {
                var unknown = list.Select(Values.ToText).Where(v => !allowed.Contains(v)).ToList();
                if (unknown.Count > 0)
                {
                    errors.Add($"value of {name} must be one or more of: {string.Join(", ", allowed)}. Got no match for: {string.Join(", ", unknown)}");
                }
            }
            else if (!allowed.Contains(Values.ToText(value)))
            {
                errors.Add($"value of {name} must be one of: {string.Join(", ", allowed)}, got: {Values.ToText(value)}");
            }
        }

        return errors;
    }

    /// <summary>Ansible's check_type_* conversions for the types Fleet checks.</summary>
    private static bool TryConvert(string type, object? value, out object? result, out string why)
    {
        why = "";
        result = value;
        switch (type)
        {
            case "raw":
                return true;
            case "str" or "path":
                result = value is string ? value : Values.ToText(value);
                return true;
            case "int":
                if (value is long or bool || (value is double d && d == Math.Floor(d)))
                {
                    result = value is double dd ? (long)dd : value;
                    return true;
                }

                if (value is string s && long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    result = n;
                    return true;
                }

                why = $"{PythonType(value)} cannot be converted to an int";
                return false;
            case "bool":
                if (value is bool or string or long or double && Values.ToBool(value) is { } flag)
                {
                    result = flag;
                    return true;
                }

                why = $"The value '{Values.ToText(value)}' is not a valid boolean.  Valid booleans include: 0, 'on', 'f', 'false', 1, 'no', 'n', '1', '0', 't', 'y', 'off', 'yes', 'true'";
                return false;
            case "list":
                switch (value)
                {
                    case List<object?> list:
                        result = list.ToList();
                        return true;
                    case string text:
                        result = text.Split(',').Select(p => (object?)p).ToList();
                        return true;
                    case long or double:
                        result = new List<object?> { Values.ToText(value) };
                        return true;
                }

                why = $"{PythonType(value)} cannot be converted to a list";
                return false;
            case "dict":
                if (value is IReadOnlyDictionary<string, object?> or Dictionary<string, object?>)
                {
                    return true;
                }

                why = $"{PythonType(value)} cannot be converted to a dict";
                return false;
            default:
                why = $"type {type} is not checked by Fleet";
                return false;
        }
    }

    private static string PythonType(object? value) => value switch
    {
        null => "<class 'NoneType'>",
        string => "<class 'str'>",
        bool => "<class 'bool'>",
        long or int => "<class 'int'>",
        double => "<class 'float'>",
        System.Collections.IDictionary or IReadOnlyDictionary<string, object?> => "<class 'dict'>",
        System.Collections.IList => "<class 'list'>",
        _ => "<class 'object'>",
    };
}
