using Fleet.Core.Templating;
using Fleet.Core.Yaml;

namespace Fleet.Core.Playbooks;

/// <summary>
/// <c>include_vars</c> of a file named literally: it must be there and be a readable file of variables now (not a missing,
/// binary or device file that fails every host later), looked up where the task will look.
/// </summary>
internal static class IncludeVarsFiles
{
    /// <summary>The problems of <paramref name="task"/>'s file when it is an <c>include_vars</c> of a literal name; none otherwise.</summary>
    public static IReadOnlyList<InputError> Check(TaskDefinition task, Play play)
    {
        if (task.Module != "include_vars" || task.Keywords.Loop is not null || task.Args["file"] is not ScalarArg { Value: { Length: > 0 } file } arg || Template.HasTemplate(file))
        {
            return [];
        }

        var places = Path.IsPathRooted(file) ? [file] : TaskFolders.SearchDirectories(play, task, "vars").Select(d => Path.Combine(d, file)).ToList();
        if (places.FirstOrDefault(p => File.Exists(p) || Directory.Exists(p)) is not { } found)
        {
            return [new InputError(arg.Location, $"include_vars: file not found: {file} (looked in {string.Join(", ", places)})")];
        }

        var errors = new List<InputError>();
        _ = YamlFile.LoadVariables(found, "include_vars file", errors, arg.Location, file);
        return errors;
    }
}
