namespace Fleet.Core;

/// <summary>
/// The one order host names are shown in (recap, reports, live view, inventory listing): natural order, where runs of digits compare
/// as numbers, so <c>web-2</c> comes before <c>web-10</c>. Text compares ordinally; names equal by value (leading zeros) put the shorter
/// spelling first, then ordinal order, so the order is total and stable across runs.
/// </summary>
public sealed class HostNameOrder : IComparer<string>
{
    /// <summary>The comparer.</summary>
    public static HostNameOrder Instance { get; } = new();

    private HostNameOrder()
    {
    }

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var order = CompareNumbers(x, ref i, y, ref j);
                if (order != 0)
                {
                    return order;
                }

                continue;
            }

            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }

            i++;
            j++;
        }

        var rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
    }

    // Compares the digit runs at i and j by value (any length: no overflow), and moves both past them.
    private static int CompareNumbers(string x, ref int i, string y, ref int j)
    {
        var xStart = Skip(x, i, '0');
        var yStart = Skip(y, j, '0');
        var xEnd = SkipDigits(x, xStart);
        var yEnd = SkipDigits(y, yStart);
        var order = (xEnd - xStart).CompareTo(yEnd - yStart);
        if (order == 0)
        {
            order = string.CompareOrdinal(x, xStart, y, yStart, xEnd - xStart);
        }

        (i, j) = (xEnd, yEnd);
        return order;
    }

    private static int Skip(string s, int at, char c)
    {
        while (at < s.Length - 1 && s[at] == c && char.IsAsciiDigit(s[at + 1]))
        {
            at++;
        }

        return at;
    }

    private static int SkipDigits(string s, int at)
    {
        while (at < s.Length && char.IsAsciiDigit(s[at]))
        {
            at++;
        }

        return at;
    }
}
