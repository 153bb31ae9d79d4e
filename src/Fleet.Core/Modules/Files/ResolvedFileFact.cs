using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Files;

/// <summary>The file a path leads to (itself, or the target of the symbolic link at it) and that file's state.</summary>
/// <param name="Path">The file written: the link's resolved target when the path is a link to something, else the path.</param>
/// <param name="State">The file's type, attributes and content.</param>
public sealed record ResolvedFile(string Path, FileState State);

/// <summary>
/// The view of dest that <c>copy</c> and <c>template</c> take with <c>follow: true</c>: a symbolic link that leads to something is
/// resolved on the host (<c>readlink -f</c>, as Python's realpath) and its target read as a <see cref="FileFact"/> with content would
/// be; any other path is read as itself.
/// </summary>
/// <param name="Path">Absolute path on the host.</param>
public sealed record ResolvedFileFact(string Path) : Fact<ResolvedFile>
{
    private const string ResolvedMarker = "resolved:";

    /// <inheritdoc />
    public override string Description => Path + " (links followed)";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Tree("/")]; // before it is read, the target may be anywhere

    /// <inheritdoc />
    public override IReadOnlyList<Subject> SubjectsOf(object value) =>
        value is ResolvedFile resolved ? [Subject.Path(Path), Subject.Path(resolved.Path)] : Subjects;

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var p = Sh.Quote(Path);
            return $"if [ -L {p} ] && [ -e {p} ]; then r=$(readlink -f -- {p}); else r={p}; fi\nprintf '{ResolvedMarker}%s\\n' \"$r\"\n"
                + "(\n" + FileFact.Script("\"$r\"", withContent: true) + ")\n";
        }
    }

    /// <inheritdoc />
    public override ResolvedFile Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var newline = stdout.IndexOf('\n', StringComparison.Ordinal);
        if (!stdout.StartsWith(ResolvedMarker, StringComparison.Ordinal) || newline < 0)
        {
            throw new FormatException($"unexpected output for {Path}: {stdout.Trim()}");
        }

        var resolved = stdout[ResolvedMarker.Length..newline];
        return new ResolvedFile(resolved, new FileFact(resolved, WithContent: true).Parse(stdout[(newline + 1)..], exitCode));
    }
}
