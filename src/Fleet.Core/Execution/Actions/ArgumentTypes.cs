using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary>
/// Ansible's <c>check_type_*</c> conversions of an argument spec's types (module_utils/common/validation.py), with its words when
/// a value cannot be converted: what a role's <c>meta/argument_specs.yml</c> <c>type</c> and <c>elements</c> mean.
/// </summary>
internal static partial class ArgumentTypes
{
    private static readonly string[] BooleanWords = ["y", "yes", "on", "1", "true", "t", "n", "no", "off", "0", "false", "f"];

    /// <summary><paramref name="value"/> converted to <paramref name="type"/>, or false with Ansible's reason.</summary>
    public static bool TryConvert(string type, object? value, out object? result, out string why)
    {
        why = "";
        result = value;
        switch (type)
        {
            case "raw":
                return true;
            case "str" or "path":
                result = value is string ? value : Values.ToPython(value);
                return true;
            case "int":
                if (value is long or bool)
                {
                    return true;
                }

                if (value is string s && long.TryParse(s.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    result = n;
                    return true;
                }

                return Fail($"{PythonType(value)} cannot be converted to an int", out why);
            case "float":
                if (value is double)
                {
                    return true;
                }

                if (value is long whole)
                {
                    result = (double)whole;
                    return true;
                }

                if (value is string f && ParseFloat(f) is { } d)
                {
                    result = d;
                    return true;
                }

                return Fail($"{PythonType(value)} cannot be converted to a float", out why);
            case "bool":
                return ToBool(value, out result, out why);
            case "list":
                switch (value)
                {
                    case IReadOnlyList<object?> list:
                        result = list.ToList();
                        return true;
                    case string text:
                        result = text.Split(',').Select(p => (object?)p).ToList();
                        return true;
                    case long or double or bool:
                        result = new List<object?> { Values.ToPython(value) };
                        return true;
                }

                return Fail($"{PythonType(value)} cannot be converted to a list", out why);
            case "dict":
                return ToDict(value, out result, out why);
            case "jsonarg" or "json":
                switch (value)
                {
                    case string text:
                        result = text.Trim();
                        return true;
                    case IReadOnlyList<object?> or IReadOnlyDictionary<string, object?>:
                        result = Json.Dump(value, null, false, ", ", true);
                        return true;
                }

                return Fail($"{PythonType(value)} cannot be converted to a json string", out why);
            case "bytes" or "bits":
                if (HumanToBytes(Values.ToPython(value), type == "bits") is { } size)
                {
                    result = size;
                    return true;
                }

                return Fail($"{PythonType(value)} cannot be converted to a {(type == "bits" ? "Bit" : "Byte")} value", out why);
            default:
                return Fail("'NoneType' object is not callable", out why);
        }
    }

    /// <summary>
    /// Python's <c>str(type(value))</c>, as Ansible's messages name a value's type. Text is named as text read from YAML (Ansible's
    /// AnsibleUnicode, which a variable keeps through <c>{{ var }}</c>): where a role's arguments come from.
    /// </summary>
    public static string PythonType(object? value) => value switch
    {
        null => "<class 'NoneType'>",
        string => "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>",
        bool => "<class 'bool'>",
        long or int => "<class 'int'>",
        double => "<class 'float'>",
        System.Collections.IDictionary or IReadOnlyDictionary<string, object?> => "<class 'dict'>",
        System.Collections.IList => "<class 'list'>",
        _ => "<class 'object'>",
    };

    /// <summary>Python's <c>==</c> between a converted value and a choice: 1 == 1.0 == True, text only equals text.</summary>
    public static bool PyEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (string x, string y) => x == y,
        (long or double or bool, long or double or bool) => Number(a) == Number(b),
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => PyEquals(p.First, p.Second)),
        (IReadOnlyDictionary<string, object?> x, IReadOnlyDictionary<string, object?> y) => x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var v) && PyEquals(kv.Value, v)),
        _ => false,
    };

    private static double Number(object? v) => v switch
    {
        bool flag => flag ? 1 : 0,
        long n => n,
        double d => d,
        _ => double.NaN,
    };

    private static bool Fail(string reason, out string why)
    {
        why = reason;
        return false;
    }

    private static bool ToBool(object? value, out object? result, out string why)
    {
        why = "";
        result = value;
        if (value is bool)
        {
            return true;
        }

        if (value is not (string or long or double))
        {
            return Fail($"{PythonType(value)} cannot be converted to a bool", out why);
        }

        var word = value switch
        {
            string s => s.Trim().ToLowerInvariant(),
            long n => n.ToString(CultureInfo.InvariantCulture),
            double d when d is 0 or 1 => d.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        var index = word is null ? -1 : Array.IndexOf(BooleanWords, word);
        if (index >= 0)
        {
            result = index < BooleanWords.Length / 2;
            return true;
        }

        return Fail($"The value '{Values.ToPython(value)}' is not a valid boolean.  Valid booleans include: 0, 'on', 'f', 'false', 1, 'no', 'n', '1', '0', 't', 'y', 'off', 'yes', 'true'", out why);
    }

    private static bool ToDict(object? value, out object? result, out string why)
    {
        why = "";
        result = value;
        switch (value)
        {
            case IReadOnlyDictionary<string, object?>:
                return true;
            case string text when text.StartsWith('{'):
                try
                {
                    if (Json.Parse(text) is IReadOnlyDictionary<string, object?> parsed)
                    {
                        result = parsed;
                        return true;
                    }
                }
                catch (FleetInputException)
                {
                    // Ansible then tries Python's literal_eval, which Fleet does not have: the text is refused as Ansible refuses bad text.
                }

                return Fail("unable to evaluate string as dictionary", out why);
            case string text when text.Contains('=', StringComparison.Ordinal):
                result = KeyValueFields(text).ToDictionary(f => f.Split('=', 2)[0], f => (object?)(f.Split('=', 2) is [_, var v] ? v : ""), StringComparer.Ordinal);
                return true;
            case string:
                return Fail("dictionary requested, could not parse JSON or key=value", out why);
            default:
                return Fail($"{PythonType(value)} cannot be converted to a dict", out why);
        }
    }

    /// <summary>check_type_dict's split of <c>a=1, b="x y"</c> into fields: on commas and spaces outside quotes, backslash escapes.</summary>
    private static List<string> KeyValueFields(string text)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        char? quote = null;
        var escape = false;
        foreach (var c in text.Trim())
        {
            if (escape)
            {
                field.Append(c);
                escape = false;
            }
            else if (c == '\\')
            {
                escape = true;
            }
            else if (quote is null && c is '\'' or '"')
            {
                quote = c;
            }
            else if (quote == c)
            {
                quote = null;
            }
            else if (quote is null && c is ',' or ' ')
            {
                if (field.Length > 0)
                {
                    fields.Add(field.ToString());
                }

                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0)
        {
            fields.Add(field.ToString());
        }

        return fields;
    }

    private static double? ParseFloat(string text)
    {
        var t = text.Trim().Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        return t switch
        {
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            "nan" or "+nan" or "-nan" => double.NaN,
            _ => t.Length > 0 && !t.Contains(',', StringComparison.Ordinal) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        };
    }

    /// <summary>Ansible's human_to_bytes: <c>10M</c> is 10485760, <c>1Mb</c> with bits; null where it raises.</summary>
    internal static long? HumanToBytes(string text, bool bits)
    {
        var m = HumanSize().Match(text);
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        if (m.Groups[2].Value is not { Length: > 0 } unit)
        {
            return (long)Math.Round(number, MidpointRounding.ToEven);
        }

        var power = "BKMGTPEZY".IndexOf(char.ToUpperInvariant(unit[0]), StringComparison.Ordinal);
        if (power < 0 || power > 6)
        {
            return null; // Z and Y overflow a long; Ansible's Python int would not, and no role sizes anything that large
        }

        var unitClass = bits ? 'b' : 'B';
        if (unit.Length > 1 && !unit.ToLowerInvariant().Contains(bits ? "bit" : "byte", StringComparison.Ordinal) && unit[1] != unitClass)
        {
            return null;
        }

        return (long)Math.Round(number * (1L << (10 * power)), MidpointRounding.ToEven);
    }

    [GeneratedRegex(@"^\s*(\d*\.?\d*)\s*([A-Za-z]+)?", RegexOptions.IgnoreCase)]
    private static partial Regex HumanSize();
}
