using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Inputs;

/// <summary>
/// <c>-e</c> / <c>--extra-vars</c> as ansible-playbook reads them: <c>@FILE</c> (a YAML or JSON file of variables), inline YAML or
/// JSON starting with <c>{</c> or <c>[</c> (a mapping), or <c>key=value</c> words whose values are text, as Ansible's are
/// (<c>-e "a=1 b=false"</c> sets the strings "1" and "false"; a typed value needs JSON or a file).
/// </summary>
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
            var found = item switch
            {
                "" => [],
                ['@', .. var file] => FromFile(file, errors),
                ['/' or '.', ..] => Error(errors, $"-e {item}: a file of variables is named with @, as in -e @{item}"),
                ['{' or '[', ..] => Inline(item, errors),
                _ => KeyValues(item, errors),
            };
            foreach (var (key, value) in found)
            {
                result[key] = value;
            }
        }

        return result;
    }

    private static Dictionary<string, object?> FromFile(string file, List<InputError> errors)
    {
        if (file.Length == 0)
        {
            return Error(errors, "-e @: name the file of variables after the @");
        }

        try
        {
            InputFile.CheckRegular(file, "-e @file");
        }
        catch (FleetInputException ex)
        {
            errors.AddRange(ex.Errors);
            return [];
        }

        var mapping = YamlFile.LoadVariables(file, "-e @file", errors);
        return mapping is null ? [] : Checked(mapping, "-e @" + file, errors);
    }

    private static Dictionary<string, object?> Inline(string text, List<InputError> errors)
    {
        YamlNode? node;
        try
        {
            node = YamlFile.Parse("-e", text);
        }
        catch (FleetInputException)
        {
            return Error(errors, $"-e {text}: not valid YAML or JSON");
        }

        return node is YamlMappingNode mapping
            ? Checked(mapping, "-e " + text, errors)
            : Error(errors, $"-e {text}: extra variables must be a mapping, like {{\"name\": \"value\"}}");
    }

    private static Dictionary<string, object?> Checked(YamlMappingNode mapping, string shown, List<InputError> errors) =>
        HasComplexKey(mapping)
            ? Error(errors, $"{shown}: a mapping key must be text, not a list or a mapping")
            : (Dictionary<string, object?>)YamlFile.ToValue(mapping)!;

    private static Dictionary<string, object?> KeyValues(string text, List<InputError> errors)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var word in KeyValueWords.Split(text))
        {
            var eq = EqualsSign(word);
            if (eq <= 0 || word[..eq].Trim().Length == 0)
            {
                // Ansible keeps such words as a variable named _raw_params; nobody means that.
                errors.Add(new InputError(null, $"-e expects key=value, @FILE or a YAML/JSON mapping, got '{word}'"));
                continue;
            }

            result[word[..eq].Trim().Replace("\\=", "=", StringComparison.Ordinal)] = KeyValueWords.Unquote(word[(eq + 1)..].Trim());
        }

        return result;
    }

    /// <summary>The first '=' not escaped with a backslash, or -1.</summary>
    private static int EqualsSign(string word)
    {
        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] == '=' && (i == 0 || word[i - 1] != '\\'))
            {
                return i;
            }
        }

        return -1;
    }

    private static Dictionary<string, object?> Error(List<InputError> errors, string message)
    {
        errors.Add(new InputError(null, message));
        return [];
    }

    /// <summary>True when a mapping inside <paramref name="node"/> has a list or mapping as a key, which no variable can hold.</summary>
    private static bool HasComplexKey(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.Any(e => e.Key is not YamlScalarNode || HasComplexKey(e.Value)),
        YamlSequenceNode sequence => sequence.Children.Any(HasComplexKey),
        _ => false,
    };
}
