using System.Diagnostics;
using System.Text;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>The files of one generated case, relative to its directory: text, bytes, directories, FIFOs and symlinks.</summary>
public sealed class ProjectFiles
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The relative paths, for lookups and includes to name.</summary>
    public IEnumerable<string> Paths => _entries.Keys;

    /// <summary>Adds (or replaces) a text file.</summary>
    public void Text(string path, string text) => _entries[path] = new Entry(EntryKind.Text, text);

    /// <summary>Adds a file of raw bytes (given as Latin-1 text).</summary>
    public void Bytes(string path, string bytes) => _entries[path] = new Entry(EntryKind.Bytes, bytes);

    /// <summary>Removes an entry, so its path can become another kind.</summary>
    public void Remove(string path) => _entries.Remove(path);

    /// <summary>Adds an empty directory.</summary>
    public void Directory(string path) => _entries[path] = new Entry(EntryKind.Directory, "");

    /// <summary>Adds a sparse file of <paramref name="length"/> bytes (zeros that take no disk space).</summary>
    public void Sparse(string path, long length) => _entries[path] = new Entry(EntryKind.Sparse, length.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Adds a named pipe (nothing ever writes to it: a reader blocks forever).</summary>
    public void Fifo(string path) => _entries[path] = new Entry(EntryKind.Fifo, "");

    /// <summary>Adds a symbolic link to <paramref name="target"/> (which may not exist, or be the link itself).</summary>
    public void Symlink(string path, string target) => _entries[path] = new Entry(EntryKind.Symlink, target);

    /// <summary>Writes every entry under <paramref name="root"/>; a path the file system refuses (a NUL in it) is left out.</summary>
    public void WriteTo(string root)
    {
        foreach (var (relative, entry) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (relative.Contains('\0', StringComparison.Ordinal))
            {
                continue;
            }

            var path = Path.Combine(root, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (entry.Kind)
            {
                case EntryKind.Text:
                    File.WriteAllText(path, entry.Content);
                    break;
                case EntryKind.Bytes:
                    File.WriteAllBytes(path, Encoding.Latin1.GetBytes(entry.Content));
                    break;
                case EntryKind.Directory:
                    System.IO.Directory.CreateDirectory(path);
                    break;
                case EntryKind.Fifo:
                    MakeFifo(path);
                    break;
                case EntryKind.Sparse:
                    using (var sparse = File.Create(path))
                    {
                        sparse.SetLength(long.Parse(entry.Content, System.Globalization.CultureInfo.InvariantCulture));
                    }

                    break;
                default:
                    File.CreateSymbolicLink(path, entry.Content);
                    break;
            }
        }
    }

    /// <summary>Every path and text content, whole, for tests of what the grammar draws.</summary>
    public string AllText() => string.Concat(_entries.Select(e => e.Key + "\n" + e.Value.Content + "\n"));

    /// <summary>The files as text, for a failure message that lets a reader see the case without replaying it.</summary>
    public string Describe(int maxChars)
    {
        var text = new StringBuilder();
        foreach (var (path, entry) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var content = entry.Kind is EntryKind.Text ? entry.Content : $"<{entry.Kind} {entry.Content}>";
            text.Append("--- ").Append(path).Append('\n').Append(content.Length > 600 ? content[..600] + $"… ({content.Length} chars)" : content).Append('\n');
        }

        return text.Length > maxChars ? text.ToString(0, maxChars) + "…" : text.ToString();
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", ["--", path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
    }

    private enum EntryKind
    {
        Text,
        Bytes,
        Directory,
        Fifo,
        Sparse,
        Symlink,
    }

    private readonly record struct Entry(EntryKind Kind, string Content);
}
