using Fleet.Core.Modules;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Playbooks;

/// <summary>
/// Modules a task may name that Ansible runs and Fleet cannot: another OS family's (<c>dnf</c>, <c>seport</c>), a role's or a
/// collection's own Python module. Each is resolved as Ansible resolves it and yields the message a host that reaches the task
/// fails with; the load accepts the task with a warning, since such tasks usually sit behind a <c>when</c> for another system.
/// </summary>
internal static class ForeignModules
{
    /// <summary>
    /// A role's or a collection's own Python module named <paramref name="written"/>, as the failure message, or null. Ansible looks
    /// in the task's role's <c>library/</c>, the playbook's, and those of the roles loaded before, ahead of its own modules, so
    /// such a module shadows Fleet's too (checked against ansible-playbook).
    /// </summary>
    public static string? OwnPythonModule(string written, IReadOnlyList<string> collections, RoleContext? role, string playbookDirectory, IEnumerable<string> roleLibraries)
    {
        var legacy = written.StartsWith("ansible.legacy.", StringComparison.Ordinal) ? written["ansible.legacy.".Length..] : written;
        if (!legacy.Contains('.', StringComparison.Ordinal))
        {
            var libraries = new[] { role?.Directory, playbookDirectory }.OfType<string>().Select(d => Path.Combine(d, "library")).Concat(roleLibraries);
            if (libraries.Select(l => LibraryFile(l, legacy)).FirstOrDefault(f => f is not null) is { } file)
            {
                var whose = file.StartsWith(Path.Combine(playbookDirectory, "library"), StringComparison.Ordinal) ? "the playbook's" : "the role's";
                return IsPython(file)
                    ? $"module {written} is {whose} own Python module ({file}), which Fleet cannot run: it needs Python on the host"
                    : $"module {written} is {whose} own module ({file}), which Fleet cannot run: Fleet runs only its built-in modules";
            }
        }

        var candidates = written.Contains('.', StringComparison.Ordinal) ? [written] : collections.Select(c => $"{c}.{written}");
        foreach (var fqcn in candidates)
        {
            var parts = fqcn.Split('.');
            if (parts.Length != 3 || AnsibleModuleNames.Resolve(fqcn, []) is not null)
            {
                // Ansible's own collections (a vendored community.general): Fleet's module of that name, or "not implemented".
                continue;
            }

            var roots = RoleReader.CollectionRoots(playbookDirectory).Select(root => Path.Combine(root, "ansible_collections", parts[0], parts[1]));
            if (role is not null && CollectionOf(role.Directory) is { } own && own.Name == $"{parts[0]}.{parts[1]}")
            {
                roots = roots.Prepend(own.Directory);
            }

            if (roots.Select(root => Path.Combine(root, "plugins", "modules", parts[2] + ".py")).FirstOrDefault(File.Exists) is { } file)
            {
                return $"module {written} is the collection's own Python module ({file}), which Fleet cannot run: it needs Python on the host";
            }
        }

        return null;
    }

    /// <summary>File names Ansible's module loader skips in a <c>library/</c> directory (its MODULE_IGNORE_EXTS).</summary>
    private static readonly string[] IgnoredEndings = [".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".yaml", ".yml", ".ini"];

    /// <summary>
    /// The module file named <paramref name="name"/> in <paramref name="library"/>, or null: as Ansible's loader, the file of that
    /// exact name (<c>get_users</c>, as openstack-ansible's roles ship theirs) or with any extension it does not skip, .py first.
    /// </summary>
    private static string? LibraryFile(string library, string name)
    {
        if (!Directory.Exists(library))
        {
            return null;
        }

        var files = Directory.EnumerateFiles(library)
            .Where(f => !IgnoredEndings.Any(e => f.EndsWith(e, StringComparison.Ordinal)) && !f.EndsWith("__init__.py", StringComparison.Ordinal))
            .Where(f => Path.GetFileName(f) == name || Path.GetFileNameWithoutExtension(f) == name)
            .ToList();
        return files.FirstOrDefault(f => Path.GetFileName(f) == name + ".py") ?? files.FirstOrDefault(f => Path.GetFileName(f) == name) ?? files.Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>Whether a module file is Python: by its .py name, or by a first line (#!) naming python.</summary>
    private static bool IsPython(string file)
    {
        if (file.EndsWith(".py", StringComparison.Ordinal))
        {
            return true;
        }

        using var reader = new StreamReader(file);
        return reader.ReadLine() is { } first && first.StartsWith("#!", StringComparison.Ordinal) && first.Contains("python", StringComparison.Ordinal);
    }

    /// <summary>"module X is not implemented by Fleet" for a module Ansible has (with its fully qualified name when written otherwise), or null when Ansible has none.</summary>
    public static string? NotImplemented(string written, IReadOnlyList<string> collections) =>
        AnsibleModuleNames.Resolve(written, collections) is not { } fqcn ? null
        : fqcn == written ? $"module {written} is not implemented by Fleet"
        : $"module {written} ({fqcn}) is not implemented by Fleet";

    /// <summary>
    /// A role's search list, as Ansible builds it: its own collection first (a role inside <c>ansible_collections/NS/COLL/roles/</c>),
    /// then its <c>meta/main.yml</c> <c>collections:</c>. A role does not inherit its play's list.
    /// </summary>
    public static IReadOnlyList<string> RoleCollections(string roleDirectory)
    {
        var list = new List<string>();
        if (CollectionOf(roleDirectory) is { } own)
        {
            list.Add(own.Name);
        }

        if (RoleReader.RoleFile(roleDirectory, "meta", "main") is { } meta)
        {
            try
            {
                if (YamlFile.Load(meta, "role meta file") is YamlMappingNode map && NodeReader.Child(map, "collections") is { } node)
                {
                    list.AddRange(Names(node).Where(n => !list.Contains(n)));
                }
            }
            catch (FleetInputException)
            {
                // the role's reader reports a broken meta file
            }
        }

        return list;
    }

    /// <summary>The names of a <c>collections:</c> keyword (a list, or one name).</summary>
    public static IReadOnlyList<string> Names(YamlNode node) => node switch
    {
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(s => s.Value).OfType<string>().Where(s => s.Length > 0).ToList(),
        YamlScalarNode { Value: { Length: > 0 } one } => [one],
        _ => [],
    };

    /// <summary>The collection (NS.COLL and its directory) a role directory is inside of, or null.</summary>
    private static (string Name, string Directory)? CollectionOf(string roleDirectory)
    {
        var roles = Path.GetDirectoryName(Path.GetFullPath(roleDirectory).TrimEnd('/'));
        var collection = roles is null ? null : Path.GetDirectoryName(roles);
        var ns = collection is null ? null : Path.GetDirectoryName(collection);
        return Path.GetFileName(roles) == "roles" && ns is not null && Path.GetFileName(Path.GetDirectoryName(ns)) == "ansible_collections"
            ? ($"{Path.GetFileName(ns)}.{Path.GetFileName(collection)}", collection!)
            : null;
    }
}
