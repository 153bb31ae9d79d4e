using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Find;

/// <summary>One entry under a searched path, as <c>lstat</c> sees it (the mode, size and times of a link are its own).</summary>
/// <param name="Relative">The path below the searched directory.</param>
/// <param name="Depth">1 for an entry of the directory itself.</param>
/// <param name="Type">find's type letter without following links: f, d, l, p, s, c, b.</param>
/// <param name="IsDirFollowed">A directory or a link to one (how Python's os.walk sorts entries into dirs).</param>
/// <param name="Mode">Permission bits, 12 bits (setuid, setgid, sticky included).</param>
public sealed record FoundEntry(
    string Relative, int Depth, char Type, bool IsDirFollowed, int Mode, long Uid, long Gid, string Owner, string Group, long Size,
    double Mtime, double Atime, double Ctime, long Inode, long Device, long Links);

/// <summary>What one find read under one directory.</summary>
/// <param name="Path">The directory as the task gave it.</param>
/// <param name="IsDirectory">It exists and is a directory (else Ansible skips it with a warning).</param>
/// <param name="Entries">Every entry examined, in find's (pre-order) order.</param>
/// <param name="Containing">Relative paths of regular files with a line matching <c>contains</c> (null when not asked).</param>
/// <param name="Complete">find exited 0 (no unreadable directory or vanished entry).</param>
public sealed record FoundTree(string Path, bool IsDirectory, IReadOnlyList<FoundEntry> Entries, IReadOnlySet<string>? Containing, bool Complete);

/// <summary>The host's clock and each searched directory's entries.</summary>
/// <param name="Now">The host's time, seconds since the epoch.</param>
/// <param name="Trees">One per searched path, in the task's order.</param>
public sealed record FoundFiles(double Now, IReadOnlyList<FoundTree> Trees);

/// <summary>
/// Reads the entries under the task's paths with one GNU <c>find … -printf</c> per path (no process per file), NUL-separated so
/// any file name survives; with <c>contains</c>, one batched <c>grep -P</c> (<c>find -exec … +</c>) lists the files with a matching
/// line (Python's <c>re.match</c> per line, or <c>re.search</c> over the whole file with <c>read_whole_file</c>).
/// </summary>
/// <param name="PathList">The directories, NUL-joined (a string, so equal tasks share one fact).</param>
/// <param name="MaxDepth">find's -maxdepth (one more than Ansible's <c>depth</c>: the entries of the deepest walked directories are examined too), or null.</param>
/// <param name="Follow">Descend into linked directories (find -L).</param>
/// <param name="Contains">The <c>contains</c> regex, or null.</param>
/// <param name="WholeFile">Search the whole file instead of matching each line.</param>
public sealed record FindFact(string PathList, int? MaxDepth, bool Follow, string? Contains, bool WholeFile) : Fact<FoundFiles>
{
    private const string Fields = "%d\\t%y\\t%Y\\t%m\\t%U\\t%G\\t%u\\t%g\\t%s\\t%T@\\t%A@\\t%C@\\t%i\\t%D\\t%n\\t%P\\0";

    /// <summary>The searched directories.</summary>
    public IReadOnlyList<string> Paths => PathList.Split('\0');

    /// <inheritdoc />
    public override string Description => $"find {string.Join(' ', Paths)}";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [.. Paths.Select(Subject.Tree)];

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var depth = MaxDepth is { } d ? string.Create(CultureInfo.InvariantCulture, $" -maxdepth {d}") : "";
            var l = Follow ? "-L " : "";
            // Under -L find reports a link's target: -xtype l still tells a link, whose own lstat Fleet then cannot print.
            var print = Follow ? $"\\( -xtype l -printf 'L{Fields}' -o -printf '-{Fields}' \\)" : $"-printf '-{Fields}'";
            var script = new StringBuilder("export LC_ALL=C\nprintf 'now\\t%s\\0' \"$(date +%s.%N)\"\n");
            foreach (var path in Paths)
            {
                var p = Sh.Quote(path);
                script.Append(CultureInfo.InvariantCulture, $"if [ -d {p} ] && cd {p}; then\n  printf 'dir\\0'\n  find {l}. -mindepth 1{depth} {print}\n  printf 'status\\t%s\\0' \"$?\"\n");
                if (Contains is { } pattern)
                {
                    var regex = Sh.Quote(WholeFile ? pattern : $"^(?:{pattern})");
                    script.Append(CultureInfo.InvariantCulture, $"  printf 'contains\\0'\n  find {l}. -mindepth 1{depth} -type f -exec grep -lZ{(WholeFile ? "z" : "")} -P -e {regex} -- {{}} + 2>/dev/null\n  printf 'end\\0'\n");
                }

                script.Append("else\n  printf 'notdir\\0'\nfi\ncd /\n");
            }

            return script.ToString();
        }
    }

    /// <inheritdoc />
    public override FoundFiles Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var records = stdout.Split('\0');
        var now = 0.0;
        var trees = new List<FoundTree>();
        var paths = Paths;
        List<FoundEntry>? entries = null;
        HashSet<string>? containing = null;
        var inContains = false;
        var complete = true;
        void Close()
        {
            if (entries is not null)
            {
                trees.Add(new FoundTree(paths[trees.Count], true, entries, containing, complete));
            }

            (entries, containing, complete, inContains) = (null, null, true, false);
        }

        foreach (var raw in records)
        {
            var record = raw.TrimStart('\n');
            if (inContains)
            {
                if (record == "end")
                {
                    inContains = false;
                }
                else if (record.Length > 0)
                {
                    containing!.Add(record.StartsWith("./", StringComparison.Ordinal) ? record[2..] : record);
                }

                continue;
            }

            if (record.StartsWith("now\t", StringComparison.Ordinal))
            {
                now = double.Parse(record[4..], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
            else if (record == "dir")
            {
                Close();
                entries = [];
            }
            else if (record == "notdir")
            {
                Close();
                trees.Add(new FoundTree(paths[trees.Count], false, [], null, true));
            }
            else if (record.StartsWith("status\t", StringComparison.Ordinal))
            {
                complete = record == "status\t0";
            }
            else if (record == "contains")
            {
                containing = new HashSet<string>(StringComparer.Ordinal);
                inContains = true;
            }
            else if (record.Length > 1 && record[0] is '-' or 'L')
            {
                entries?.Add(ParseEntry(record));
            }
        }

        Close();
        if (trees.Count != paths.Count)
        {
            throw new FormatException($"find output incomplete: {trees.Count} of {paths.Count} paths");
        }

        return new FoundFiles(now, trees);
    }

    private static FoundEntry ParseEntry(string record)
    {
        var f = record[1..].Split('\t', 16);
        if (f.Length != 16)
        {
            throw new FormatException($"unexpected find output: {record}");
        }

        long N(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        double T(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        var link = record[0] == 'L';
        var type = link ? 'l' : f[1][0];
        var mode = Convert.ToInt32(f[3], 8);
        // find prints a number for an id without a name; Ansible's pw_name/gr_name are then empty.
        var owner = f[6] == f[4] ? "" : f[6];
        var group = f[7] == f[5] ? "" : f[7];
        return new FoundEntry(f[15], (int)N(f[0]), type, f[2] == "d", link ? 0x1FF : mode, N(f[4]), N(f[5]), owner, group, N(f[8]),
            T(f[9]), T(f[10]), T(f[11]), N(f[12]), N(f[13]), N(f[14]));
    }
}
