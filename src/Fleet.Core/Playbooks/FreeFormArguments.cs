using Fleet.Core.Modules;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// A module's arguments as written: a mapping, or Ansible's free-form text (<c>command: ls -l chdir=/tmp</c>, <c>include_tasks: x.yml</c>)
/// whose trailing <c>key=value</c> words name known parameters and whose rest goes to the module's free-form parameter.
/// </summary>
internal static class FreeFormArguments
{
    /// <summary>Ansible's MODULE_REQUIRE_ARGS: only their own few options are taken from the text, any other <c>k=v</c> is the command's.</summary>
    private static readonly HashSet<string> RawModules = new(["command", "shell", "raw", "script", "win_command", "win_shell"], StringComparer.Ordinal);

    /// <summary>The arguments of a module key's value, at their file:line:column.</summary>
    public static MapArg Read(string path, IModuleSpec spec, YamlNode node, List<InputError> errors)
    {
        var at = YamlFile.At(path, node);
        switch (node)
        {
            case YamlMappingNode mapping:
                return (MapArg)YamlFile.ToArg(path, mapping);
            case YamlScalarNode { Value: null or "" }:
                return new MapArg([], at);
            case YamlScalarNode scalar:
                return FreeForm(spec, scalar.Value!, !YamlFile.IsPlain(scalar), at, errors);
            default:
                errors.Add(new InputError(at, $"{spec.Name}: arguments must be a mapping"));
                return new MapArg([], at);
        }
    }

    /// <summary>Free-form text taken from elsewhere (<c>local_action: MODULE ARGS</c>), as <see cref="Read(string, IModuleSpec, YamlNode, List{InputError})"/> reads a plain scalar.</summary>
    public static MapArg Read(IModuleSpec spec, string text, SourceLocation at, List<InputError> errors) =>
        text.Length == 0 ? new MapArg([], at) : FreeForm(spec, text, false, at, errors);

    /// <summary>Free-form arguments: trailing <c>key=value</c> words for known parameters, the rest to the free-form parameter.</summary>
    private static MapArg FreeForm(IModuleSpec spec, string text, bool quoted, SourceLocation at, List<InputError> errors)
    {
        var entries = new List<KeyValuePair<string, ArgValue>>();
        var words = KeyValueWords.Split(text);
        var known = spec.Parameters.SelectMany(p => (p.Aliases ?? []).Prepend(p.Name)).ToHashSet(StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            // As Ansible's parse_kv: every other module takes each k=v word as a parameter (an unknown one is then named as such).
            var key = eq > 0 ? word[..eq] : "";
            if (eq > 0 && (RawModules.Contains(spec.Name) ? known.Contains(key) && key != spec.FreeFormParameter : IsKey(key)))
            {
                entries.Add(new(word[..eq], new ScalarArg(KeyValueWords.Unquote(word[(eq + 1)..]), true, at)));
            }
            else
            {
                rest.Add(word);
            }
        }

        if (rest.Count > 0)
        {
            if (spec.FreeFormParameter is { } free)
            {
                // The free-form text keeps its original spelling minus the key=value words.
                var remaining = text;
                foreach (var entry in entries)
                {
                    remaining = RemoveWord(remaining, entry.Key);
                }

                entries.Insert(0, new(free, new ScalarArg(remaining.Trim(), quoted, at)));
            }
            else if (spec is Module && string.Join(' ', rest) is var splat && Templating.Template.HasTemplate(splat))
            {
                // As Ansible's ModuleArgsParser: a module's extra text that is a template holds its arguments (a mapping when it renders).
                entries.Insert(0, new(ModuleArguments.VariableParams, new ScalarArg(splat, quoted, at)));
            }
            else
            {
                errors.Add(new InputError(at, $"{spec.Name} takes key=value arguments or a mapping, not '{text}'"));
            }
        }

        return new MapArg(entries, at);
    }

    /// <summary>A parameter name, not text that happens to hold '=' (<c>include_tasks: "{{ a == b }}.yml"</c>).</summary>
    private static bool IsKey(string word) => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    private static string RemoveWord(string text, string key)
    {
        var index = text.IndexOf(key + "=", StringComparison.Ordinal);
        while (index > 0 && !char.IsWhiteSpace(text[index - 1]))
        {
            index = text.IndexOf(key + "=", index + 1, StringComparison.Ordinal);
        }

        if (index < 0)
        {
            return text;
        }

        var end = index;
        char? quote = null;
        while (end < text.Length && (quote is not null || !char.IsWhiteSpace(text[end])))
        {
            if (text[end] is '\'' or '"')
            {
                quote = quote == text[end] ? null : quote ?? text[end];
            }

            end++;
        }

        return text[..index] + text[end..];
    }
}
