using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Acl;

/// <summary>A path's ACL as the acl module reads it: what <c>setfacl --test</c> says the change would do, and <c>getfacl</c>'s entries.</summary>
/// <param name="Exists">The path exists (a symbolic link to nothing does not, as in Ansible).</param>
/// <param name="Test">The lines <c>setfacl --test</c> printed for the change, or empty for a query.</param>
/// <param name="Entries">The lines of <c>getfacl --omit-header --absolute-names</c>, as Ansible returns them in <c>acl</c>.</param>
/// <param name="Error">Why the ACL could not be read (no setfacl, an entry setfacl refuses), or null.</param>
public sealed record AclState(bool Exists, IReadOnlyList<string> Test, IReadOnlyList<string> Entries, string? Error = null)
{
    /// <summary>
    /// The change would alter an ACL: Ansible's test, a line of <c>setfacl --test</c> that does not end in <c>*,*</c>
    /// (an unchanged path prints "PATH: *,*").
    /// </summary>
    public bool WouldChange => Test.Any(line => !line.EndsWith("*,*", StringComparison.Ordinal));
}

/// <summary>
/// Reads a path's ACL with the acl package's tools, as Ansible's acl module does: <c>setfacl --test</c> with the task's own
/// command (it changes nothing) and <c>getfacl</c>.
/// </summary>
/// <param name="Path">The path.</param>
/// <param name="TestCommand">The task's setfacl command with <c>--test</c>, quoted, or null for a query.</param>
/// <param name="GetCommand">The getfacl command, quoted.</param>
public sealed record AclFact(string Path, string? TestCommand, string GetCommand) : Fact<AclState>
{
    /// <inheritdoc />
    public override string Description => Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Tree(Path)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var script = new StringBuilder();
            script.Append($"[ -e {Sh.Quote(Path)} ] || {{ echo missing; exit 0; }}\n");
            foreach (var tool in TestCommand is null ? ["getfacl"] : new[] { "setfacl", "getfacl" })
            {
                // Ansible's get_bin_path message, naming the tool.
                script.Append($"command -v {tool} >/dev/null || {{ echo 'error:Failed to find required executable \"{tool}\" in paths: '\"$PATH\"; exit 0; }}\n");
            }

            if (TestCommand is not null)
            {
                script.Append($"out=$({TestCommand} 2>&1) || {{ printf 'error:%s\\n' \"$out\"; exit 0; }}\necho test:\nprintf '%s\\n' \"$out\"\n");
            }

            script.Append($"out=$({GetCommand} 2>&1) || {{ printf 'error:%s\\n' \"$out\"; exit 0; }}\necho get:\nprintf '%s\\n' \"$out\"\n");
            return script.ToString();
        }
    }

    /// <inheritdoc />
    public override AclState Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (stdout.StartsWith("missing", StringComparison.Ordinal))
        {
            return new AclState(false, [], []);
        }

        // Only at a line's start: a getfacl entry may name a user "error".
        var error = stdout.StartsWith("error:", StringComparison.Ordinal) ? 0 : stdout.IndexOf("\nerror:", StringComparison.Ordinal) is var at and >= 0 ? at + 1 : -1;
        if (exitCode != 0 || error >= 0)
        {
            return new AclState(true, [], [], error >= 0 ? stdout[(error + 6)..].Trim() : $"the ACL of {Path} could not be read (exit {exitCode})");
        }

        var get = stdout.IndexOf("get:\n", StringComparison.Ordinal);
        var test = stdout.StartsWith("test:\n", StringComparison.Ordinal) ? stdout[6..get] : "";
        return new AclState(true, Lines(test), Lines(stdout[(get + 5)..]));
    }

    /// <summary>Ansible's run_acl: the output's lines trimmed, comments left out, a last empty line dropped.</summary>
    public static IReadOnlyList<string> Lines(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.TrimEnd('\n').Split('\n').Where(l => !l.StartsWith('#')).Select(l => l.Trim()).ToList();
        if (output.Length == 0)
        {
            return [];
        }

        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }
}
