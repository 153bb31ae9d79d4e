using System.Text;
using Fleet.Core.Facts;

namespace Fleet.Core.Modules.AptSources;

/// <summary>
/// The one-line apt sources as <c>apt_repository</c> reads them: <c>/etc/apt/sources.list</c> and
/// <c>/etc/apt/sources.list.d/*.list</c>, each file's path and text, in apt's order.
/// </summary>
public sealed record AptSourcesFact : Fact<IReadOnlyList<(string File, string Text)>>
{
    /// <summary>The main sources file.</summary>
    public const string MainFile = "/etc/apt/sources.list";

    /// <summary>The directory of the other sources files.</summary>
    public const string PartsDirectory = "/etc/apt/sources.list.d";

    private const string Separator = "\u001e";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(MainFile), Subject.Tree(PartsDirectory)];

    /// <inheritdoc />
    public override string Command =>
        $"for f in {MainFile} {PartsDirectory}/*.list; do [ -f \"$f\" ] || continue; printf '{Separator}%s\\n' \"$f\"; base64 -w0 < \"$f\"; echo; done";

    /// <inheritdoc />
    public override IReadOnlyList<(string File, string Text)> Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var files = new List<(string, string)>();
        foreach (var chunk in stdout.Split(Separator, StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = chunk.Split('\n');
            if (lines.Length >= 1 && lines[0].StartsWith('/'))
            {
                files.Add((lines[0], Encoding.UTF8.GetString(Convert.FromBase64String(lines.Length > 1 ? lines[1].Trim() : ""))));
            }
        }

        return files;
    }
}

/// <summary>One line of a sources file as Ansible's apt_repository parses it: a source (deb/deb-src) or not, enabled or commented out.</summary>
/// <param name="Valid">The line is a source (its first word is deb or deb-src).</param>
/// <param name="Enabled">The line is not commented out.</param>
/// <param name="Source">The line without the comment mark and trailing comment, words joined by one space (a source's identity).</param>
/// <param name="Comment">The text after a '#' inside the line.</param>
public sealed record SourceLine(bool Valid, bool Enabled, string Source, string Comment)
{
    /// <summary>Parses a line: a leading '#' disables it, a later '#' starts a comment, whitespace is collapsed in sources.</summary>
    public static SourceLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = line.Trim();
        var enabled = true;
        if (line.StartsWith('#'))
        {
            enabled = false;
            line = line[1..];
        }

        var comment = "";
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        if (hash > 0)
        {
            comment = line[(hash + 1)..].Trim();
            line = line[..hash];
        }

        var source = line.Trim();
        var words = source.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var valid = words.Length > 0 && words[0] is "deb" or "deb-src";
        return new SourceLine(valid, enabled, valid ? string.Join(' ', words) : source, comment);
    }

    /// <summary>The line as Ansible writes it back: "# " before a disabled line, " # comment" after.</summary>
    public override string ToString() => (Enabled ? "" : "# ") + Source + (Comment.Length > 0 ? " # " + Comment : "") + "\n";
}
