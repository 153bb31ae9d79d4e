namespace Fleet.Core.Templating;

/// <summary>Functions every template can call: <c>range</c>, <c>dict</c>, <c>lookup</c>/<c>query</c> (<c>file</c>, <c>env</c>, <c>template</c>).</summary>
internal static class Globals
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "range", "dict", "lookup", "query", "q" };

    public static bool TryCall(string name, IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> k, IVariableLookup variables, out object? result)
    {
        result = name switch
        {
            "range" => Range(a),
            "dict" => k.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            "lookup" => Lookup(a, k, variables, wantList: Values.Truthy(k.GetValueOrDefault("wantlist", false))),
            "query" or "q" => Lookup(a, k, variables, wantList: true),
            _ => null,
        };
        return Names.Contains(name);
    }

    private static List<object?> Range(IReadOnlyList<object?> a)
    {
        var numbers = a.Select(x => x is long n ? n : throw Filters.Error($"range() takes integers, not {Values.TypeName(x)}")).ToList();
        var (start, stop, step) = numbers.Count switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw Filters.Error("range() takes 1 to 3 arguments"),
        };
        if (step == 0 || Math.Abs((stop - start) / step) > 100_000)
        {
            throw Filters.Error(step == 0 ? "range() arg 3 must not be zero" : "range() is limited to 100000 items");
        }

        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            result.Add(i);
        }

        return result;
    }

    private static object? Lookup(IReadOnlyList<object?> a, IReadOnlyDictionary<string, object?> k, IVariableLookup variables, bool wantList)
    {
        if (a.Count == 0)
        {
            throw Filters.Error("lookup needs the name of a lookup plugin");
        }

        var plugin = Filters.Str(a[0]);
        var terms = a.Skip(1).SelectMany(t => t is IReadOnlyList<object?> l ? l : [t]).Select(Filters.Str).ToList();
        List<object?> values = plugin switch
        {
            "env" or "ansible.builtin.env" => terms.Select(t => (object?)(Environment.GetEnvironmentVariable(t) ?? (k.TryGetValue("default", out var d) ? Filters.Str(d) : ""))).ToList(),
            "file" or "ansible.builtin.file" => terms.Select(t =>
            {
                var text = File.ReadAllText(TemplateFiles.Find(t, "files", variables));
                return (object?)(Values.Truthy(k.GetValueOrDefault("rstrip", true)) ? text.TrimEnd() : text);
            }).ToList(),
            "template" or "ansible.builtin.template" => terms.Select(t =>
            {
                var path = TemplateFiles.Find(t, "templates", variables);
                return (object?)JinjaTemplate.Parse(File.ReadAllText(path), path, TemplateOptions.Ansible).Render(variables);
            }).ToList(),
            "pipe" or "ansible.builtin.pipe" => throw Filters.Error("lookup('pipe') is refused: Fleet does not run commands on the controller while templating (use a command task with register)"),
            _ => throw Filters.Error($"lookup plugin '{plugin}' is not supported (supported: file, env, template)"),
        };
        return wantList ? values : string.Join(",", values.Select(Filters.Str));
    }
}

/// <summary>Where <c>template</c>'s <c>src</c> and <c>lookup('file'|'template')</c> look for a relative path, as Ansible searches.</summary>
public static class TemplateFiles
{
    /// <summary>
    /// The first existing of: <c>role_path/&lt;kind&gt;/path</c>, <c>role_path/path</c> (when the variable <c>role_path</c> is set, as
    /// roles set it), <c>playbook_dir/&lt;kind&gt;/path</c>, <c>playbook_dir/path</c>; an absolute path as given. <paramref name="kind"/> is
    /// <c>templates</c> or <c>files</c>. A clear error lists where it looked.
    /// </summary>
    public static string Find(string path, string kind, IVariableLookup variables)
    {
        if (Path.IsPathRooted(path))
        {
            return File.Exists(path) ? path : throw Filters.Error($"could not find '{path}'");
        }

        var candidates = new List<string>();
        foreach (var root in new[] { "role_path", "playbook_dir" })
        {
            if (variables.TryGet(root, out var dir) && dir is string { Length: > 0 } directory)
            {
                candidates.Add(Path.Combine(directory, kind, path));
                candidates.Add(Path.Combine(directory, path));
            }
        }

        if (candidates.Count == 0)
        {
            candidates.Add(Path.GetFullPath(Path.Combine(kind, path)));
            candidates.Add(Path.GetFullPath(path));
        }

        return candidates.FirstOrDefault(File.Exists) ?? throw Filters.Error($"could not find '{path}' (looked in {string.Join(", ", candidates)})");
    }
}
