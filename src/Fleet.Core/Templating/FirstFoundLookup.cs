namespace Fleet.Core.Templating;

/// <summary>
/// <c>with_first_found</c> / <c>lookup('first_found', …)</c>: the first existing of the candidate files, as an absolute path. Terms are
/// names, lists of them, or <c>{files, paths, skip}</c> mappings (<c>files</c> split on <c>,;</c>, <c>paths</c> on <c>,:;</c>, each path
/// joined with each file); <c>skip: true</c> makes "none found" an empty list instead of an error.
/// </summary>
internal sealed class FirstFoundLookup : ILookupPlugin
{
    private static readonly string[] Options = ["files", "paths", "skip"];

    /// <inheritdoc />
    public string Name => "first_found";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name, Options);
        var (candidates, skip) = Candidates(terms, keywords);
        const string kind = "files";
        if (candidates.Select(c => context.Find(c, kind)).FirstOrDefault(f => f is not null) is { } found)
        {
            return [Path.GetFullPath(found)];
        }

        return skip
            ? []
            : throw Filters.Error($"No file was found when using first_found (tried {string.Join(", ", candidates)} in {string.Join(", ", context.Directories(kind))})");
    }

    /// <summary>Ansible's term processing, its quirks kept: a mapping's <c>files</c> replace the names gathered so far unless it has <c>paths</c>.</summary>
    private static (List<string> Candidates, bool Skip) Candidates(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords)
    {
        var search = new List<string>();
        var skip = false;
        foreach (var term in terms)
        {
            IReadOnlyDictionary<string, object?> options;
            switch (term)
            {
                case IReadOnlyDictionary<string, object?> map:
                    LookupTerms.Only(map, "first_found", Options);
                    options = map;
                    break;
                case string:
                    options = keywords;
                    break;
                case IReadOnlyList<object?> list:
                    var (inner, innerSkip) = Candidates(list, keywords);
                    search.AddRange(inner);
                    skip = innerSkip;
                    continue;
                default:
                    throw Filters.Error($"Invalid term supplied, can handle string, mapping or list of strings but got: {Values.TypeName(term)} for {Filters.Str(term)}");
            }

            var files = Split(options.GetValueOrDefault("files"), ",;");
            var paths = Split(options.GetValueOrDefault("paths"), ",:;");
            skip = Values.ToBool(options.GetValueOrDefault("skip")) ?? false;
            if (paths.Count > 0)
            {
                search.AddRange(paths.SelectMany(p => files.Select(f => Path.Combine(p, f))));
            }
            else if (files.Count > 0)
            {
                search = files;
            }
            else if (term is string name)
            {
                search.Add(name);
            }
        }

        return (search, skip);
    }

    private static List<string> Split(object? value, string separators) => value switch
    {
        null => [],
        IReadOnlyList<object?> list => list.SelectMany(v => Split(v, separators)).ToList(),
        _ => Filters.Str(value).Split(separators.ToCharArray(), StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
    };
}
