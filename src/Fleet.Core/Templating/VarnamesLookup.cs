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
        var names = context.Variables.Names.Distinct(StringComparer.Ordinal).ToList();
        var found = new List<object?>();
        foreach (var term in terms)
        {
            var pattern = term as string ?? throw Filters.Error($"Invalid setting identifier, \"{Filters.Str(term)}\" is not a string, it is a {Values.TypeName(term)}");
            found.AddRange(Python.Timed(pattern, ignoreCase: false, multiline: false, regex => names.Where(n => regex.IsMatch(n)).ToList()));
        }

        return found;
    }
}
