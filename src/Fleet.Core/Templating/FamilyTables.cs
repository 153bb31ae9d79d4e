namespace Fleet.Core.Templating;

/// <summary>Joins the tables of a registry's families (filters, tests) into one, refusing a name that two families list.</summary>
internal static class FamilyTables
{
    /// <summary>Every entry of every family; <paramref name="kind"/> names what the entries are in the error.</summary>
    public static Dictionary<string, T> Join<T>(string kind, params IReadOnlyDictionary<string, T>[] families)
    {
        var table = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (name, entry) in families.SelectMany(family => family))
        {
            if (!table.TryAdd(name, entry))
            {
                throw new InvalidOperationException($"the {kind} '{name}' is listed by two families");
            }
        }

        return table;
    }
}
