using System.Collections.Frozen;
using System.Reflection;

namespace Fleet.Core.Modules;

/// <summary>
/// Every module name Ansible knows (ansible-core 2.14 and the collections Debian ships with it), so that a task for a module Fleet
/// does not implement — another OS family's package manager, SELinux — is told apart from a name no Ansible module has.
/// The list is data (<c>AnsibleModuleNames.txt</c>, from <c>scripts/ansible-module-names.py</c>), read once when first asked.
/// </summary>
public static class AnsibleModuleNames
{
    private static readonly Lazy<(FrozenSet<string> Modules, FrozenDictionary<string, string> Redirects)> Data = new(Read);

    /// <summary>
    /// The fully qualified name Ansible runs for <paramref name="name"/> in a play or role whose <c>collections:</c> keyword lists
    /// <paramref name="collections"/>, or null when Ansible has no such module. A short name is looked up in those collections
    /// first, then in <c>ansible.builtin</c> with its redirects (<c>seport</c> is <c>community.general.seport</c>), as Ansible does.
    /// </summary>
    public static string? Resolve(string name, IReadOnlyList<string> collections)
    {
        if (name.Length == 0)
        {
            return null;
        }

        if (name.Contains('.', StringComparison.Ordinal))
        {
            return name.StartsWith("ansible.legacy.", StringComparison.Ordinal) ? Resolve(name["ansible.legacy.".Length..], []) : Follow(name);
        }

        foreach (var collection in collections)
        {
            if (collection is not ("ansible.builtin" or "ansible.legacy") && Follow($"{collection}.{name}") is { } found)
            {
                return found;
            }
        }

        return Follow("ansible.builtin." + name) ?? (Data.Value.Redirects.TryGetValue(name, out var target) ? Follow(target) : null);
    }

    /// <summary>A name that is a module, or the module its redirects lead to (a few hops at most); null for neither.</summary>
    private static string? Follow(string name)
    {
        var (modules, redirects) = Data.Value;
        for (var hop = 0; hop < 8; hop++)
        {
            if (modules.Contains(name))
            {
                return name;
            }

            if (!redirects.TryGetValue(name, out var next))
            {
                return null;
            }

            name = next;
        }

        return null;
    }

    private static (FrozenSet<string>, FrozenDictionary<string, string>) Read()
    {
        using var stream = typeof(AnsibleModuleNames).Assembly.GetManifestResourceStream("Fleet.Core.Modules.AnsibleModuleNames.txt")
            ?? throw new InvalidOperationException("the list of Ansible's module names is missing from Fleet.Core");
        using var reader = new StreamReader(stream);
        var modules = new List<string>();
        var redirects = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                modules.Add(line);
            }
            else
            {
                redirects[line[..space]] = line[(space + 1)..];
            }
        }

        return (modules.ToFrozenSet(StringComparer.Ordinal), redirects.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
