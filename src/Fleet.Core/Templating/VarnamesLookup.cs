namespace Fleet.Core.Templating;

/// <summary>
/// <c>lookup('varnames', pattern…)</c>: the names of the defined variables that a Python regular expression finds (re.search), for
/// each pattern in turn; dev-sec's roles use it to set a default only where the user set nothing.
/// </summary>
internal sealed class VarnamesLookup : ILookupPlugin
{
    /// <inheritdoc />
    public string Name => "varnames";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        LookupTerms.Only(keywords, Name);
        List<string>? names = null;
        var found = new List<object?>();
        foreach (var term in terms)
        {
            var pattern = term as string ?? throw Filters.Error($"Invalid setting identifier, \"{Filters.Str(term)}\" is not a string, it is a {Values.TypeName(term)}");
            if (ExactName(pattern) is { } name)
            {
                // '^name$' (how roles ask whether one variable is set, once per loop item) finds that name alone: no walk of every name.
                if (context.Variables.Names.Contains(name, StringComparer.Ordinal))
                {
                    found.Add(name);
                }

                continue;
            }

            names ??= context.Variables.Names.Distinct(StringComparer.Ordinal).ToList();
            found.AddRange(Python.Timed(pattern, ignoreCase: false, multiline: false, regex => names.Where(n => regex.IsMatch(n)).ToList()));
        }

        return found;
    }

    /// <summary>The name a pattern <c>^name$</c> matches when the name has no character a regular expression reads specially.</summary>
    private static string? ExactName(string pattern) =>
        pattern.Length > 2 && pattern[0] == '^' && pattern[^1] == '$' && pattern[1..^1].All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? pattern[1..^1]
            : null;
}
