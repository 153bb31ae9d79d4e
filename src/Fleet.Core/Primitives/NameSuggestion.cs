namespace Fleet.Core;

/// <summary>
/// "Did you mean" for a misspelt name, everywhere Fleet names one (commands, options, modules, keys, parameters, hosts): a known
/// name only when it is close enough to be what was meant — at most max(1, length/3) edits away (a swap of two neighbours is
/// one edit; names under three characters only differing in case), or a name that starts with what was typed — so <c>raw</c>
/// suggests nothing rather than <c>ufw</c>.
/// </summary>
public static class NameSuggestion
{
    /// <summary>The known name <paramref name="name"/> most likely meant, or null when none is close.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var known = candidates.Distinct(StringComparer.Ordinal).Where(c => c.Length > 0 && c != name).ToList();
        var typed = name.ToLowerInvariant();
        var limit = name.Length < 3 ? 0 : Math.Max(1, name.Length / 3); // one edit turns any short name into another
        var near = known.Select(c => (Name: c, Edits: Distance(typed, c.ToLowerInvariant()))).Where(c => c.Edits <= limit)
            .OrderBy(c => c.Edits).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        if (near.Name is not null)
        {
            return near.Name;
        }

        return name.Length < 2 ? null : known.Where(c => c.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Length).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>" (did you mean 'x'?)", or empty when no known name is close.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) => Closest(name, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>Edits from <paramref name="a"/> to <paramref name="b"/>: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
