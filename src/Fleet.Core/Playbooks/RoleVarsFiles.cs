namespace Fleet.Core.Playbooks;

/// <summary>Where a role's defaults or vars are read from: one file, or every file of a directory such as <c>defaults/main/</c>.</summary>
internal static class RoleVarsFiles
{
    /// <summary>
    /// The files a role's defaults or vars come from: the one <see cref="RoleReader.RoleFile"/> finds, or, when folder/name is a directory
    /// (<c>defaults/main/</c>), every .yml, .yaml, .json or extensionless file under it, sorted by name and descending into
    /// subdirectories, hidden and backup (~) files left out, as Ansible's loader does.
    /// </summary>
    internal static IReadOnlyList<string> Find(string directory, string folder, string name)
    {
        if (RoleReader.RoleFile(directory, folder, name) is { } file)
        {
            return [file];
        }

        var dir = Path.Combine(directory, folder, name);
        return System.IO.Directory.Exists(dir) ? [.. VarsDirectoryFiles(dir)] : [];
    }

    private static IEnumerable<string> VarsDirectoryFiles(string dir)
    {
        foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(dir).OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal))
        {
            var entry = Path.GetFileName(path);
            var extension = Path.GetExtension(entry);
            if (entry.StartsWith('.') || entry.EndsWith('~'))
            {
                continue;
            }

            if (System.IO.Directory.Exists(path))
            {
                if (extension.Length == 0)
                {
                    foreach (var nested in VarsDirectoryFiles(path))
                    {
                        yield return nested;
                    }
                }
            }
            else if (extension is "" or ".yml" or ".yaml" or ".json")
            {
                yield return path;
            }
        }
    }
}
