using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Inputs;

/// <summary><c>--var key=value</c> options as variables: a value means what the same text means after <c>key:</c> in a YAML file.</summary>
public static class CommandLineVars
{
    /// <summary>The variables of <paramref name="items"/> (a later key wins); each malformed item is added to <paramref name="errors"/>.</summary>
    public static Dictionary<string, object?> Parse(IEnumerable<string> items, List<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(errors);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                errors.Add(new InputError(null, $"--var expects key=value, got '{item}'"));
                continue;
            }

            result[item[..eq].Trim()] = Value(item[(eq + 1)..]);
        }

        return result;
    }

    /// <summary>
    /// <paramref name="text"/> read as the YAML value of a key, by the one YAML reading (<see cref="YamlFile.ToValue"/>): 22 is a
    /// number, true a boolean, 0644 text, [a, b] a list; text that is not valid YAML stays text.
    /// </summary>
    public static object? Value(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader("v: " + text));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return text;
        }

        return stream.Documents[0].RootNode is YamlMappingNode { Children.Count: 1 } mapping ? YamlFile.ToValue(mapping.Children.Single().Value) : text;
    }
}
