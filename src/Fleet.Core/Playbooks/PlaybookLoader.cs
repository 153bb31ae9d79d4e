using System.Globalization;
using System.Text;
using Fleet.Core.Yaml;
using Fleet.Core.Modules;
using Fleet.Core.Templating;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Loads playbooks in Ansible's shape: plays (name, hosts, vars, tasks, pre_tasks, post_tasks, handlers, tags, become,
/// gather_facts accepted and ignored) and <c>import_playbook</c>, expanded in place relative to the importing file.
/// Task keys beside the one module key: name, tags, when, notify, retries, delay, timeout, ignore_errors, changed_when, become,
/// register (accepted; Fleet has no registered results yet). <c>loop</c>/<c>with_*</c> are not supported and are an error.
/// </summary>
public static class PlaybookLoader
{
    private static readonly string[] PlayKeys = ["name", "hosts", "vars", "vars_files", "serial", "max_fail_percentage", "tasks", "pre_tasks", "post_tasks", "handlers", "tags", "become", "gather_facts", "import_playbook"];

    private static readonly string[] TaskKeys = ["name", "tags", "when", "notify", "retries", "delay", "timeout", "ignore_errors", "changed_when", "become", "register", "no_log"];

    private static readonly string[] ModulePrefixes = ["ansible.builtin.", "ansible.posix.", "community.general.", "ansible.legacy."];

    /// <summary>Loads a playbook with its imports; every structural problem of the files is reported at once.</summary>
    public static Playbook Load(string path, IModuleCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        InputFile.CheckRegular(path, "playbook file");
        var errors = new List<InputError>();
        var plays = new List<Play>();
        LoadInto(Path.GetFullPath(path), catalog, plays, errors, []);
        return errors.Count > 0 ? throw new FleetInputException(errors) : new Playbook(path, plays);
    }

    private static void LoadInto(string path, IModuleCatalog catalog, List<Play> plays, List<InputError> errors, List<string> importing)
    {
        var root = YamlFile.Load(path, "playbook file");
        if (root is null)
        {
            return;
        }

        if (root is not YamlSequenceNode list)
        {
            errors.Add(new InputError(YamlFile.At(path, root), "a playbook is a list of plays"));
            return;
        }

        importing.Add(path);
        foreach (var node in list.Children)
        {
            if (node is not YamlMappingNode play)
            {
                errors.Add(new InputError(YamlFile.At(path, node), "a play is a mapping with hosts and tasks"));
                continue;
            }

            if (Child(play, "import_playbook") is { } import)
            {
                if (import is not YamlScalarNode { Value: { Length: > 0 } file })
                {
                    errors.Add(new InputError(YamlFile.At(path, import), "import_playbook takes a file name"));
                    continue;
                }

                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path) ?? ".", file));
                if (importing.IndexOf(target) is var first and >= 0)
                {
                    var cycle = importing.Skip(first).Append(target).Select(Path.GetFileName);
                    errors.Add(new InputError(YamlFile.At(path, import), target == path
                        ? $"import cycle: {file} imports itself"
                        : $"import cycle: {string.Join(" → ", cycle)}"));
                }
                else
                {
                    try
                    {
                        InputFile.CheckRegular(target, "imported playbook", YamlFile.At(path, import), file);
                        LoadInto(target, catalog, plays, errors, importing);
                    }
                    catch (FleetInputException ex)
                    {
                        errors.AddRange(ex.Errors);
                    }
                }

                continue;
            }

            if (ReadPlay(path, play, catalog, errors) is { } loaded)
            {
                plays.Add(loaded);
            }
        }

        importing.RemoveAt(importing.Count - 1);
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.FirstOrDefault(e => YamlFile.KeyText(e.Key) == key).Value;

    private static Play? ReadPlay(string path, YamlMappingNode node, IModuleCatalog catalog, List<InputError> errors)
    {
        foreach (var key in node.Children.Keys)
        {
            var name = YamlFile.KeyText(key);
            if (!PlayKeys.Contains(name))
            {
                errors.Add(new InputError(YamlFile.At(path, key), $"unknown play key '{name}'{YamlFile.DidYouMean(name, PlayKeys)}"));
            }
        }

        var playName = Text(path, Child(node, "name"), errors) ?? "play";
        var hosts = Text(path, Child(node, "hosts"), errors);
        if (hosts is null)
        {
            errors.Add(new InputError(YamlFile.At(path, node), $"play '{playName}' has no hosts"));
        }
        else if (hosts.Trim(' ', ':', ',', '&', '!').Length == 0)
        {
            // Ansible's pattern separators alone name nobody: an error, not a play that is silently skipped.
            errors.Add(new InputError(YamlFile.At(path, Child(node, "hosts")!), $"play '{playName}' has an empty host pattern ('{hosts}'): name hosts or groups, or all"));
        }

        var vars = Child(node, "vars") switch
        {
            null => new Dictionary<string, object?>(),
            YamlMappingNode m => (IReadOnlyDictionary<string, object?>)YamlFile.ToValue(m)!,
            var other => Fail<IReadOnlyDictionary<string, object?>>(errors, path, other, "vars must be a mapping", new Dictionary<string, object?>()),
        };
        vars = WithVarsFiles(path, vars, Child(node, "vars_files"), errors);
        var playTags = Tags(path, Child(node, "tags"), errors);
        var become = Bool(path, Child(node, "become"), "become", errors);
        var tasks = new List<TaskDefinition>();
        foreach (var section in new[] { "pre_tasks", "tasks", "post_tasks" })
        {
            tasks.AddRange(Tasks(path, Child(node, section), section, playTags, catalog, errors));
        }

        var handlers = Tasks(path, Child(node, "handlers"), "handlers", playTags, catalog, errors);
        var serial = Child(node, "serial") is { } serialNode ? Text(path, serialNode, errors) : null;
        if (serial is not null && !Execution.PlaybookRunner.TryParseSerial(serial, out _, out _))
        {
            errors.Add(new InputError(YamlFile.At(path, Child(node, "serial")!), $"serial must be a positive number of hosts or a percentage like 25%, not '{serial}'"));
        }

        var maxFail = Int(path, Child(node, "max_fail_percentage"), "max_fail_percentage", errors);
        if (maxFail is < 0 or > 100)
        {
            errors.Add(new InputError(YamlFile.At(path, Child(node, "max_fail_percentage")!), $"max_fail_percentage must be between 0 and 100, not {maxFail}"));
        }

        return new Play(playName, hosts ?? "", vars, tasks, handlers, playTags, become, YamlFile.At(path, node))
        {
            Serial = serial,
            MaxFailPercent = maxFail is { } percent ? (int)percent : null,
        };
    }

    private static T Fail<T>(List<InputError> errors, string path, YamlNode node, string message, T fallback)
    {
        errors.Add(new InputError(YamlFile.At(path, node), message));
        return fallback;
    }

    private static List<TaskDefinition> Tasks(string path, YamlNode? node, string section, IReadOnlyList<string> playTags, IModuleCatalog catalog, List<InputError> errors)
    {
        var tasks = new List<TaskDefinition>();
        if (node is null or YamlScalarNode { Value: null or "" })
        {
            return tasks;
        }

        if (node is not YamlSequenceNode list)
        {
            errors.Add(new InputError(YamlFile.At(path, node), $"{section} must be a list of tasks"));
            return tasks;
        }

        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode task)
            {
                errors.Add(new InputError(YamlFile.At(path, item), "a task is a mapping with a module"));
                continue;
            }

            if (ReadTask(path, task, playTags, catalog, errors) is { } loaded)
            {
                tasks.Add(loaded);
            }
        }

        return tasks;
    }

    private static TaskDefinition? ReadTask(string path, YamlMappingNode node, IReadOnlyList<string> playTags, IModuleCatalog catalog, List<InputError> errors)
    {
        var moduleKeys = new List<(string Name, YamlNode Key, YamlNode Value)>();
        foreach (var (key, value) in node.Children)
        {
            var name = YamlFile.KeyText(key);
            if (name is "loop" || name.StartsWith("with_", StringComparison.Ordinal))
            {
                errors.Add(new InputError(YamlFile.At(path, key), $"'{name}' is not supported: write one task per item or pass a list to the module"));
            }
            else if (name is "block" or "include_tasks" or "import_tasks" or "include_role" or "import_role" or "roles")
            {
                errors.Add(new InputError(YamlFile.At(path, key), $"'{name}' is not supported by Fleet; use import_playbook"));
            }
            else if (!TaskKeys.Contains(name))
            {
                moduleKeys.Add((name, key, value));
            }
        }

        var taskName = Text(path, Child(node, "name"), errors);
        if (moduleKeys.Count > 1 && moduleKeys.Count(m => catalog.Find(StripPrefix(m.Name)) is not null) == 1)
        {
            // One known module and other keys: those are task keywords Fleet does not know (until, listen, failed_when…).
            foreach (var (name, key, _) in moduleKeys.Where(m => catalog.Find(StripPrefix(m.Name)) is null))
            {
                errors.Add(new InputError(YamlFile.At(path, key), $"unknown task key '{name}' (Fleet's task keys: {string.Join(", ", TaskKeys)}){YamlFile.DidYouMean(name, TaskKeys)}"));
            }

            return null;
        }

        if (moduleKeys.Count != 1)
        {
            errors.Add(new InputError(YamlFile.At(path, node), moduleKeys.Count == 0
                ? $"task '{taskName ?? "?"}' has no module"
                : $"task '{taskName ?? "?"}' has several module keys: {string.Join(", ", moduleKeys.Select(m => m.Name))}"));
            return null;
        }

        var (rawModule, moduleKey, argsNode) = moduleKeys[0];
        var module = StripPrefix(rawModule);
        var spec = catalog.Find(module);
        if (spec is null)
        {
            errors.Add(new InputError(YamlFile.At(path, moduleKey), $"unknown module '{rawModule}'{YamlFile.DidYouMean(module, catalog.Names)}"));
            return null;
        }

        var args = Arguments(path, spec, argsNode, errors);
        var when = When(path, Child(node, "when"), errors);
        var notify = Child(node, "notify") switch
        {
            null => [],
            YamlScalarNode s => [s.Value ?? ""],
            YamlSequenceNode seq => seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? "").ToList(),
            var other => Fail<List<string>>(errors, path, other, "notify must be a handler name or a list of names", []),
        };
        var changedWhen = Child(node, "changed_when") is { } cw ? Bool(path, cw, "changed_when (only true or false are supported)", errors) : null;
        return new TaskDefinition(
            taskName ?? module,
            module,
            args,
            playTags.Concat(Tags(path, Child(node, "tags"), errors)).Distinct().ToList(),
            when,
            notify,
            (int)(Int(path, Child(node, "retries"), "retries", errors, MaxRetries) ?? 0),
            TimeSpan.FromSeconds(Int(path, Child(node, "delay"), "delay", errors, MaxSeconds) ?? 5),
            // timeout: 0 means no time limit, as in Ansible.
            Int(path, Child(node, "timeout"), "timeout", errors, MaxSeconds) is { } seconds ? (seconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds)) : null,
            Bool(path, Child(node, "ignore_errors"), "ignore_errors", errors) ?? false,
            changedWhen,
            Bool(path, Child(node, "become"), "become", errors),
            YamlFile.At(path, node))
        {
            NoLog = Bool(path, Child(node, "no_log"), "no_log", errors) ?? false,
        };
    }

    private static MapArg Arguments(string path, IModuleSpec spec, YamlNode node, List<InputError> errors)
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

    /// <summary>Free-form arguments: trailing <c>key=value</c> words for known parameters, the rest to the free-form parameter.</summary>
    private static MapArg FreeForm(IModuleSpec spec, string text, bool quoted, SourceLocation at, List<InputError> errors)
    {
        var entries = new List<KeyValuePair<string, ArgValue>>();
        var words = SplitWords(text);
        var known = spec.Parameters.SelectMany(p => (p.Aliases ?? []).Prepend(p.Name)).ToHashSet(StringComparer.Ordinal);
        var rest = new List<string>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && known.Contains(word[..eq]) && word[..eq] != spec.FreeFormParameter)
            {
                entries.Add(new(word[..eq], new ScalarArg(Unquote(word[(eq + 1)..]), true, at)));
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
            else
            {
                errors.Add(new InputError(at, $"{spec.Name} takes key=value arguments or a mapping, not '{text}'"));
            }
        }

        return new MapArg(entries, at);
    }

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

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == value[^1] && value[0] is '\'' or '"' ? value[1..^1] : value;

    private static List<string> SplitWords(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = quote == c ? null : quote ?? c;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private static Expression? When(string path, YamlNode? node, List<InputError> errors)
    {
        try
        {
            switch (node)
            {
                case null:
                    return null;
                case YamlScalarNode scalar when !YamlFile.IsPlain(scalar) || YamlFile.Scalar(scalar.Value) is string:
                    return ExpressionParser.Parse(Strip(scalar.Value ?? ""), YamlFile.At(path, node));
                case YamlScalarNode scalar:
                    return ExpressionParser.Parse(Values.ToText(YamlFile.Scalar(scalar.Value)), YamlFile.At(path, node));
                case YamlSequenceNode list:
                    var parts = list.Children.Select(c => c is YamlScalarNode s ? ExpressionParser.Parse(Strip(s.Value ?? ""), YamlFile.At(path, c)) : throw new FleetInputException(YamlFile.At(path, c), "when conditions are text")).ToList();
                    return parts.Count == 0 ? null : parts.Skip(1).Aggregate(parts[0], (a, b) => new LogicalExpression("and", a, b) { Text = string.Join(" and ", parts.Select(p => p.Text)) });
                default:
                    errors.Add(new InputError(YamlFile.At(path, node), "when must be a condition or a list of conditions"));
                    return null;
            }
        }
        catch (FleetInputException ex)
        {
            errors.AddRange(ex.Errors);
            return null;
        }

        // Ansible allows "{{ x }}" in when (with a warning): take the inside.
        static string Strip(string text) => text.Trim() is var t && t.StartsWith("{{", StringComparison.Ordinal) && t.EndsWith("}}", StringComparison.Ordinal) ? t[2..^2] : text;
    }

    private static string? Text(string path, YamlNode? node, List<InputError> errors)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                return scalar.Value;
            default:
                errors.Add(new InputError(YamlFile.At(path, node), "expected text"));
                return null;
        }
    }

    private static List<string> Tags(string path, YamlNode? node, List<InputError> errors) => node switch
    {
        null => [],
        YamlScalarNode s => (s.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        YamlSequenceNode seq => seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? "").Where(t => t.Length > 0).ToList(),
        _ => Fail<List<string>>(errors, path, node, "tags must be a name or a list of names", []),
    };

    private static bool? Bool(string path, YamlNode? node, string what, List<InputError> errors)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && Values.ToBool(scalar.Value) is { } value)
        {
            return value;
        }

        errors.Add(new InputError(YamlFile.At(path, node), $"{what} must be true or false"));
        return null;
    }

    /// <summary>The longest delay or timeout: 30 days, far beyond any task and far below what <see cref="TimeSpan"/> holds.</summary>
    private const long MaxSeconds = 30L * 24 * 3600;

    private const long MaxRetries = 10_000;

    private static long? Int(string path, YamlNode? node, string what, List<InputError> errors, long max = int.MaxValue)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && long.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= max)
        {
            return value;
        }

        var unit = what switch { "retries" => "attempts", "max_fail_percentage" => "percent", _ => "seconds" };
        errors.Add(new InputError(YamlFile.At(path, node), $"{what} must be a whole number of {unit} from 0 to {max}"));
        return null;
    }

    /// <summary>
    /// <c>vars_files</c>: YAML mappings relative to the playbook's directory, read in order and above the play's <c>vars</c>
    /// (Ansible's precedence). A file name with a template is not supported: its variables could differ per host.
    /// </summary>
    private static IReadOnlyDictionary<string, object?> WithVarsFiles(string path, IReadOnlyDictionary<string, object?> vars, YamlNode? node, List<InputError> errors)
    {
        if (node is null)
        {
            return vars;
        }

        if (node is not YamlSequenceNode list)
        {
            errors.Add(new InputError(YamlFile.At(path, node), "vars_files must be a list of file names"));
            return vars;
        }

        var merged = new Dictionary<string, object?>(vars, StringComparer.Ordinal);
        foreach (var item in list.Children)
        {
            if (item is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                errors.Add(new InputError(YamlFile.At(path, item), "vars_files takes file names"));
                continue;
            }

            if (Templating.Template.HasTemplate(name))
            {
                errors.Add(new InputError(YamlFile.At(path, item), $"vars_files: a templated file name is not supported: {name}"));
                continue;
            }

            var file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path) ?? ".", name));
            if (YamlFile.LoadVariables(file, "vars file", errors, YamlFile.At(path, item), name) is { } mapping)
            {
                foreach (var (key, value) in (IReadOnlyDictionary<string, object?>)YamlFile.ToValue(mapping)!)
                {
                    merged[key] = value;
                }
            }
        }

        return merged;
    }

    /// <summary>The module name without an <c>ansible.builtin.</c>-like collection prefix.</summary>
    private static string StripPrefix(string module) =>
        ModulePrefixes.Aggregate(module, (m, prefix) => m.StartsWith(prefix, StringComparison.Ordinal) ? m[prefix.Length..] : m);
}
