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

            var (key, text) = (item[..eq].Trim(), item[(eq + 1)..]);
            var node = Node(text);
            if (node is not null && HasComplexKey(node))
            {
                errors.Add(new InputError(null, $"--var {key}: a mapping key must be text, not a list or a mapping"));
                continue;
            }

            result[key] = node is null ? text : YamlFile.ToValue(node);
        }

        return result;
    }

    /// <summary>
    /// <paramref name="text"/> read as the YAML value of a key, by the one YAML reading (<see cref="YamlFile.ToValue"/>): 22 is a
    /// number, true a boolean, 0644 text, [a, b] a list; text that is not valid YAML stays text.
    /// </summary>
    public static object? Value(string text) => Node(text) is { } node && !HasComplexKey(node) ? YamlFile.ToValue(node) : text;

    /// <summary>The YAML node of <paramref name="text"/> written after a key, or null when that is not valid YAML.</summary>
    private static YamlNode? Node(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader("v: " + text));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }

        return stream.Documents[0].RootNode is YamlMappingNode { Children.Count: 1 } mapping ? mapping.Children.Single().Value : null;
    }

    /// <summary>True when a mapping inside <paramref name="node"/> has a list or mapping as a key, which no variable can hold.</summary>
    private static bool HasComplexKey(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.Any(e => e.Key is not YamlScalarNode || HasComplexKey(e.Value)),
        YamlSequenceNode sequence => sequence.Children.Any(HasComplexKey),
        _ => false,
    };
}
