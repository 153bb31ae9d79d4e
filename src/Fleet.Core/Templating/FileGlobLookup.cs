using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>
/// <c>with_fileglob</c> / <c>lookup('fileglob', pattern)</c>: the controller files matching each pattern (directories are left out),
/// from the first search directory where the pattern matches; as Python's glob, <c>*</c> does not match a leading dot.
/// </summary>
internal sealed class FileGlobLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "fileglob";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        var found = new List<object?>();
        foreach (var term in LookupTerms.Texts(terms))
        {
            var name = Path.GetFileName(term);
            var folder = Path.GetDirectoryName(term);
            const string kind = "files";
            IReadOnlyList<string> directories = string.IsNullOrEmpty(folder) ? context.Directories(kind) : context.Find(folder, kind, directory: true) is { } d ? [d] : [];
            var regex = new Regex(GlobPattern.Translate(name, GlobOptions.Fnmatch)!, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            foreach (var directory in directories.Where(Directory.Exists))
            {
                var matches = Directory.EnumerateFiles(directory)
                    .Where(f => Path.GetFileName(f) is var n && regex.IsMatch(n) && (!n.StartsWith('.') || name.StartsWith('.')))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (object?)Path.GetFullPath(f))
                    .ToList();
                if (matches.Count > 0)
                {
                    found.AddRange(matches);
                    break;
                }
            }
        }

        return found;
    }
}
