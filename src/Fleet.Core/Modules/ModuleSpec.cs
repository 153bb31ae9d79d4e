namespace Fleet.Core.Modules;

/// <summary>The type a module parameter accepts.</summary>
public enum ParameterType
{
    /// <summary>Any scalar, read as text.</summary>
    String,
    /// <summary>An integer (a quoted number is accepted).</summary>
    Int,
    /// <summary>true/false/yes/no.</summary>
    Bool,
    /// <summary>A list of scalars; a single scalar (or a comma-separated string) is accepted as a one-item list.</summary>
    StringList,
    /// <summary>A mapping of names to scalars.</summary>
    StringMap,
    /// <summary>A file mode: octal text like "0644" or "u=rw,g=r,o=r", or an integer written in octal.</summary>
    Mode,
    /// <summary>A regular expression, checked when the task is validated.</summary>
    Regex,
}

/// <summary>One parameter of a module: its YAML name, type, whether it is required, and what it means.</summary>
/// <param name="Name">YAML name (Ansible's name for the same job).</param>
/// <param name="Type">Accepted type.</param>
/// <param name="Doc">One line: what it is and its default.</param>
/// <param name="Required">Missing is an error.</param>
/// <param name="Aliases">Other accepted names.</param>
/// <param name="Choices">Allowed values, or null for any.</param>
/// <param name="ControllerFile">A file on the controller (see <see cref="ControllerFiles"/>); validation checks that it exists.</param>
/// <param name="ControllerFolder">The playbook's subdirectory a relative controller file is also looked for in: <c>files</c> (default) or <c>templates</c>.</param>
/// <param name="ControllerDirectory">The controller file may also be a directory (<c>copy</c> copies it recursively).</param>
/// <param name="HostPath">A path on the host (Ansible's <c>type='path'</c>): <c>~</c>, <c>~user</c> and <c>$VAR</c> in it are expanded on the host, as the effective user (see <see cref="HostPaths"/>).</param>
public sealed record ParameterSpec(
    string Name,
    ParameterType Type,
    string Doc,
    bool Required = false,
    IReadOnlyList<string>? Aliases = null,
    IReadOnlyList<string>? Choices = null,
    bool ControllerFile = false,
    string ControllerFolder = "files",
    bool ControllerDirectory = false,
    bool HostPath = false)
{
    /// <summary>Words a <see cref="ParameterType.Mode"/> parameter also takes besides modes (copy's <c>preserve</c>). The default is none.</summary>
    public IReadOnlyList<string> ModeWords { get; init; } = [];
}

/// <summary>
/// Files a task reads on the controller (<c>copy: src</c>). As in Ansible, a relative path is looked up in the directory of the
/// playbook file that holds the task, then in its <c>files/</c> subdirectory.
/// </summary>
public static class ControllerFiles
{
    /// <summary>The full path of the file, or null when it exists in none of the places looked in.</summary>
    public static string? Find(string path, string playbookDirectory, string folder = "files")
    {
        ArgumentNullException.ThrowIfNull(path);
        var expanded = path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
        if (Path.IsPathRooted(expanded))
        {
            return File.Exists(expanded) ? expanded : null;
        }

        return Places(expanded, playbookDirectory, folder).FirstOrDefault(File.Exists);
    }

    /// <summary>The full path of the directory, or null when none of the places looked in holds one.</summary>
    public static string? FindDirectory(string path, string playbookDirectory)
    {
        ArgumentNullException.ThrowIfNull(path);
        var expanded = path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
        return Path.IsPathRooted(expanded)
            ? (Directory.Exists(expanded) ? expanded : null)
            : Places(expanded, playbookDirectory).FirstOrDefault(Directory.Exists);
    }

    /// <summary>Where a relative path is looked for, in order, for messages (templates: <c>templates/</c> first, as Ansible).</summary>
    public static IEnumerable<string> Places(string path, string playbookDirectory, string folder = "files")
    {
        ArgumentNullException.ThrowIfNull(path);

        // ~/ and absolute paths are looked for only where they say (the message once named PLAYBOOK_DIR/~/.ssh/…).
        return path.StartsWith("~/", StringComparison.Ordinal) ? [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])]
            : Path.IsPathRooted(path) ? [path]
            : folder == "files"
            ? [Path.Combine(playbookDirectory, path), Path.Combine(playbookDirectory, "files", path)]
            : [Path.Combine(playbookDirectory, folder, path), Path.Combine(playbookDirectory, path)];
    }
}

/// <summary>What validation needs to know about a module, without running it.</summary>
public interface IModuleSpec
{
    /// <summary>Module name as used in playbooks.</summary>
    string Name { get; }

    /// <summary>Every parameter the module accepts.</summary>
    IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The parameter a free-form string fills (<c>command: ls</c> → <c>cmd</c>), or null if the module takes none.</summary>
    string? FreeFormParameter { get; }

    /// <summary>Checks that need several parameters at once (exclusive options, one-of-required); empty when fine.</summary>
    IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters);

    /// <summary>
    /// The facts a task with these arguments returns, which become variables of their own names (Ansible's INJECT_FACTS_AS_VARS),
    /// so that later tasks may use them; "*" when a name is known only when the task runs. The default is none.
    /// </summary>
    IEnumerable<string> ReturnedFactNames(MapArg args) => [];
}

/// <summary>The modules a run can use, by name.</summary>
public interface IModuleCatalog
{
    /// <summary>The module with this name (prefixes like <c>ansible.builtin.</c> already stripped), or null.</summary>
    IModuleSpec? Find(string name);

    /// <summary>Every module name, for "did you mean" messages.</summary>
    IEnumerable<string> Names { get; }
}
