using System.Buffers;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Fleet.Core.Remote;

namespace Fleet.Core.Facts;

/// <summary>Reads many facts in one round trip: one script, each fact's output framed by a random marker.</summary>
public sealed class FactBatch
{
    private readonly List<Fact> _facts;
    private readonly string _marker;

    /// <summary>The file facts read together: one stat, one find and one tar for all of them instead of processes per path.</summary>
    private readonly HashSet<FileFact> _files;

    /// <summary>Creates a batch of distinct facts.</summary>
    public FactBatch(IEnumerable<Fact> facts)
    {
        _facts = facts.Distinct().ToList();
        _marker = "@@fleet-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var files = _facts.OfType<FileFact>().Where(f => f.Path.StartsWith('/') && !f.Path.Contains('\n', StringComparison.Ordinal)).ToList();
        _files = files.Count >= 2 ? [.. files] : [];
    }

    /// <summary>The facts in this batch.</summary>
    public IReadOnlyList<Fact> Facts => _facts;

    /// <summary>The sh script that prints every fact; each runs in a subshell so one cannot break another.</summary>
    public string Script()
    {
        var script = new StringBuilder();
        if (_files.Count > 0)
        {
            AppendFiles(script);
        }

        for (var i = 0; i < _facts.Count; i++)
        {
            if (_facts[i] is FileFact file && _files.Contains(file))
            {
                continue;
            }

            script.Append(CultureInfo.InvariantCulture, $"printf '%s\\n' '{_marker} {i}'\n");
            script.Append("( ").Append(_facts[i].Command).Append("\n) 2>/dev/null\n");
            script.Append(CultureInfo.InvariantCulture, $"printf '\\n%s %s\\n' '{_marker}-end {i}' \"$?\"\n");
        }

        return script.ToString();
    }

    /// <summary>
    /// The batch's paths in one <c>stat</c> (size, type, mode, owner, group, their ids, name per line), their symbolic links' targets, and the
    /// regular files whose content is wanted (up to <see cref="FileFact.MaxContentBytes"/>) in one tar archive, gzipped, in base64.
    /// </summary>
    private void AppendFiles(StringBuilder script)
    {
        var paths = Sh.Command(_files.Select(f => f.Path).Distinct());
        var content = Sh.Command(_files.Where(f => f.WithContent).Select(f => f.Path).Distinct());
        var kib = (FileFact.MaxContentBytes / 1024) + 1;
        script.Append(CultureInfo.InvariantCulture, $$"""
            printf '%s\n' '{{_marker}} stat'
            ( stat -c '%s|%F|%a|%U|%G|%u|%g|%n' -- {{paths}} ) 2>/dev/null
            printf '%s\n' '{{_marker}} links'
            ( for p in {{paths}}; do if [ -L "$p" ]; then printf '%s\0%s\0' "$p" "$(readlink -- "$p")"; fi; done ) 2>/dev/null
            printf '\n%s\n' '{{_marker}} content'

            """);
        if (content.Length > 0)
        {
            // gzip (essential on Debian and Ubuntu) shrinks the configuration files ~5x: less to send, and the output stays small for
            // the controller, which holds every host's output at once; without it the archive comes plain.
            script.Append(CultureInfo.InvariantCulture, $"( find {content} -maxdepth 0 -type f -size -{kib}k -print0 | tar -cf - --null --no-recursion -T - | if command -v gzip >/dev/null; then gzip -1; else cat; fi | base64 -w0 ) 2>/dev/null\n");
        }

        script.Append(CultureInfo.InvariantCulture, $"printf '\\n%s\\n' '{_marker} files-end'\n");
    }

    /// <summary>Each batched file fact's value, from the stat, links and content sections.</summary>
    private void ParseFiles(string stdout, FactCache cache)
    {
        ReadOnlySpan<char> Section(string name, string next)
        {
            var begin = stdout.IndexOf($"{_marker} {name}\n", StringComparison.Ordinal);
            var end = stdout.IndexOf($"{_marker} {next}\n", StringComparison.Ordinal);
            if (begin < 0 || end < begin)
            {
                throw new FormatException($"fact output incomplete: the files' {name} section is missing");
            }

            begin += _marker.Length + name.Length + 2;
            return stdout.AsSpan(begin, end - begin);
        }

        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Section("stat", "links").ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('|', 8);
            if (fields.Length == 8)
            {
                stats[fields[7]] = $"{fields[1]}|{fields[2]}|{fields[3]}|{fields[4]}|{fields[5]}|{fields[6]}|{fields[0]}";
            }
        }

        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var pairs = Section("links", "content").TrimEnd('\n').ToString().Split('\0');
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            links[pairs[i]] = pairs[i + 1];
        }

        var contents = ReadArchive(Section("content", "files-end").Trim());
        foreach (var file in _files)
        {
            // The per-fact text FileFact.Parse reads (without the content: the archive's bytes are the file's, not encoded again),
            // so both ways of reading a file end in one parser.
            var text = new StringBuilder();
            if (!stats.TryGetValue(file.Path, out var stat))
            {
                text.Append("missing\n");
            }
            else
            {
                text.Append(stat).Append('\n');
                if (links.TryGetValue(file.Path, out var target))
                {
                    text.Append("link:").Append(target).Append('\n');
                }
            }

            var state = file.Parse(text.ToString(), 0);
            cache.Set(file, file.WithContent && state.Type == FileType.File && contents.TryGetValue(file.Path, out var bytes) ? state with { Content = bytes } : state);
        }
    }

    /// <summary>
    /// The regular files of the base64 tar archive (gzipped or not) by path. The archive (most of a batch's output) is decoded into a pooled buffer:
    /// a fresh one per host was large-object garbage that the controller's memory grew with.
    /// </summary>
    private static Dictionary<string, byte[]> ReadArchive(ReadOnlySpan<char> base64)
    {
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (base64.IsEmpty)
        {
            return contents;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(base64.Length / 4 * 3);
        try
        {
            if (!Convert.TryFromBase64Chars(base64, buffer, out var length))
            {
                throw new FormatException("fact output damaged: the files' content is not base64");
            }

            Stream archive = new MemoryStream(buffer, 0, length, writable: false);
            if (length >= 2 && buffer[0] == 0x1f && buffer[1] == 0x8b)
            {
                archive = new GZipStream(archive, CompressionMode.Decompress);
            }

            using var tar = new TarReader(archive);
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    var data = new byte[entry.Length];
                    entry.DataStream?.ReadExactly(data);
                    contents["/" + entry.Name.TrimStart('/')] = data;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return contents;
    }

    /// <summary>Splits the script's output and parses each fact into the cache.</summary>
    /// <exception cref="FormatException">The output was cut short or a parser rejected its fact's output.</exception>
    public void Parse(string stdout, FactCache cache)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(cache);
        if (_files.Count > 0)
        {
            ParseFiles(stdout, cache);
        }

        var position = 0;
        for (var i = 0; i < _facts.Count; i++)
        {
            if (_facts[i] is FileFact file && _files.Contains(file))
            {
                continue;
            }

            var begin = $"{_marker} {i}\n";
            var end = $"\n{_marker}-end {i} ";
            var start = stdout.IndexOf(begin, position, StringComparison.Ordinal);
            if (start < 0)
            {
                throw new FormatException($"fact output incomplete: {_facts[i]} missing");
            }

            start += begin.Length;
            var stop = stdout.IndexOf(end, start, StringComparison.Ordinal);
            if (stop < 0)
            {
                throw new FormatException($"fact output incomplete: {_facts[i]} not terminated");
            }

            var lineEnd = stdout.IndexOf('\n', stop + end.Length);
            var statusText = stdout[(stop + end.Length)..(lineEnd < 0 ? stdout.Length : lineEnd)];
            var exitCode = int.Parse(statusText, CultureInfo.InvariantCulture);
            cache.Set(_facts[i], _facts[i].ParseOutput(stdout[start..stop], exitCode));
            position = lineEnd < 0 ? stdout.Length : lineEnd;
        }
    }
}
