namespace Fleet.Core.Templating;

/// <summary>
/// What a lookup reads besides its terms: the variables, and the directories a relative controller path is searched in — the
/// task's (role, include, play) for a loop, else those <see cref="TemplateFiles"/> derives from <c>role_path</c> and <c>playbook_dir</c>.
/// </summary>
internal sealed record LookupContext(IVariableLookup Variables, IReadOnlyList<string>? SearchDirectories = null)
{
    /// <summary>Where a relative path of <paramref name="kind"/> (<c>files</c> or <c>templates</c>) is looked for, in order.</summary>
    public IReadOnlyList<string> Directories(string kind) => SearchDirectories ?? TemplateFiles.Directories(kind, Variables);

    /// <summary>The existing file or directory <paramref name="path"/> names (absolute as given, relative in <see cref="Directories"/>), or null.</summary>
    public string? Find(string path, string kind, bool directory = false)
    {
        bool Exists(string p) => directory ? Directory.Exists(p) : File.Exists(p);
        if (Path.IsPathRooted(path))
        {
            return Exists(path) ? path : null;
        }

        return Directories(kind).Select(d => InputFile.FullPath(Path.Combine(d, path))).FirstOrDefault(Exists);
    }

    /// <summary>The file <paramref name="path"/> names; a clear error lists where it looked.</summary>
    public string FindFile(string path, string kind) =>
        Find(path, kind) ?? throw Filters.Error(Path.IsPathRooted(path)
            ? $"could not find '{path}'"
            : $"could not find '{path}' (looked in {string.Join(", ", Directories(kind))})");
}
