using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Files;

/// <summary>
/// The destination file of <c>copy</c> and <c>template</c> with Ansible's <c>follow</c>: read through a symbolic link (true) or as the
/// link itself, which a write then replaces with a file (false, the default); and <c>mode: preserve</c>'s source mode.
/// </summary>
public static class DestinationFile
{
    /// <summary>
    /// The write of <paramref name="content"/> to the file <see cref="Read"/> found. A symbolic link still there (follow: false,
    /// Ansible's default) is replaced by the file itself, which keeps the attributes of what it led to.
    /// </summary>
    public static TaskPlan Write(ModuleArguments args, string target, FileState state, byte[]? content, string? mode)
    {
        if (state.Type == FileType.Link && content is not null)
        {
            return FileChange.Plan(target, FileState.Missing, content, mode, args.GetString("owner"), args.GetString("group"), args.GetBool("backup", false), args.GetString("validate")) switch
            {
                Change change => change with { Changes = [$"{target}: symbolic link replaced by a file"] },
                var other => other,
            };
        }

        return FileChange.Plan(target, state, content, mode, args.GetString("owner"), args.GetString("group"), args.GetBool("backup", false), args.GetString("validate"));
    }

    /// <summary>The fact that reads dest: with <c>follow</c>, through a symbolic link to the file it leads to.</summary>
    public static Fact Fact(ModuleArguments args, string path) =>
        args.GetBool("follow", false) ? new ResolvedFileFact(path) : new FileFact(path, WithContent: true);

    /// <summary>The file a write goes to and its state: dest itself, or with <c>follow</c> what its link leads to.</summary>
    public static (string Target, FileState State) Read(ModuleArguments args, IFactSource facts, string path)
    {
        if (!args.GetBool("follow", false))
        {
            return (path, facts.Get(new FileFact(path, WithContent: true)));
        }

        var resolved = facts.Get(new ResolvedFileFact(path));
        return (resolved.Path, resolved.State);
    }

    /// <summary>A controller file's permission bits as Ansible's preserve reads them ('0%03o').</summary>
    public static string ControllerMode(string file) => OperatingSystem.IsWindows()
        ? RemoteFileWriter.NewFileMode // Windows has no Unix mode: a new file's
        : Convert.ToString((int)File.GetUnixFileMode(file) & 0xFFF, 8).PadLeft(4, '0');
}
