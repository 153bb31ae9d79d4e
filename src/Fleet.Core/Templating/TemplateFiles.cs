namespace Fleet.Core.Templating;

/// <summary>Where <c>template</c>'s <c>src</c> and <c>lookup('file'|'template')</c> look for a relative path, as Ansible searches.</summary>
public static class TemplateFiles
{
    /// <summary>
    /// The first existing of: <c>role_path/&lt;kind&gt;/path</c>, <c>role_path/path</c> (when the variable <c>role_path</c> is set, as
    /// roles set it), <c>playbook_dir/&lt;kind&gt;/path</c>, <c>playbook_dir/path</c>; an absolute path as given. <paramref name="kind"/> is
    /// <c>templates</c> or <c>files</c>. A clear error lists where it looked.
    /// </summary>
    public static string Find(string path, string kind, IVariableLookup variables) => new LookupContext(variables).FindFile(path, kind);

    /// <summary>The directories <see cref="Find"/> searches, in order (the current directory when neither variable is set).</summary>
    public static IReadOnlyList<string> Directories(string kind, IVariableLookup variables)
    {
        var directories = new List<string>();
        foreach (var root in new[] { "role_path", "playbook_dir" })
        {
            if (variables.TryGet(root, out var dir) && dir is string { Length: > 0 } directory)
            {
                directories.Add(Path.Combine(directory, kind));
                directories.Add(directory);
            }
        }

        return directories.Count > 0 ? directories : [Path.GetFullPath(kind), Path.GetFullPath(".")];
    }
}
