using System.Globalization;
using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>
/// <c>with_sequence</c>: numbers as text, from <c>start=N end=N|count=N stride=N format=%d</c> or the shortcut
/// <c>[start-]end[/stride][:format]</c>; numbers may be written in hex (<c>0x</c>) or octal (<c>0o</c>) as Python's <c>int(x, 0)</c> reads them.
/// </summary>
internal sealed partial class SequenceLookup : ILookupPlugin
{
    private const int Limit = 100_000;

    /// <inheritdoc />
    public string Name => "sequence";

    /// <inheritdoc />
    public List<object?> Run(IReadOnlyList<object?> terms, IReadOnlyDictionary<string, object?> keywords, LookupContext context)
    {
        var results = new List<object?>();
        foreach (var term in LookupTerms.Texts(terms))
        {
            var (start, end, count, stride, format) = Parse(term, keywords);
            if (count is null && end is null)
            {
                throw Filters.Error("must specify count or end in with_sequence");
            }

            if (count is not null && end is not null)
            {
                throw Filters.Error("can't specify both count and end in with_sequence");
            }

            if (count is { } n)
            {
                (start, end, stride) = n != 0 ? (start, start + (n * stride) - 1, stride) : (0, 0, 0);
            }

            if ((stride > 0 && end < start) || (stride < 0 && end > start))
            {
                throw Filters.Error(stride > 0 ? "to count backwards make stride negative" : "to count forward don't make stride negative");
            }

            if (format.Count(c => c == '%') != 1)
            {
                throw Filters.Error($"bad formatting string: {format}");
            }

            if (stride == 0)
            {
                continue;
            }

            // Python's range(start, end ± 1, stride).
            var stop = end!.Value + (stride > 0 ? 1 : -1);
            for (var i = start; stride > 0 ? i < stop : i > stop; i += stride)
            {
                results.Add(Values.PercentFormat(format, [i]));
                if (results.Count > Limit)
                {
                    throw Filters.Error($"with_sequence is limited to {Limit} items");
                }
            }
        }

        return results;
    }

    private static (long Start, long? End, long? Count, long Stride, string Format) Parse(string term, IReadOnlyDictionary<string, object?> keywords)
    {
        long start = 1, stride = 1;
        long? end = null, count = null;
        var format = "%d";
        if (Shortcut().Match(term) is { Success: true } m)
        {
            start = m.Groups[2].Success ? Integer("start", m.Groups[2].Value) : start;
            end = Integer("end", m.Groups[3].Value);
            stride = m.Groups[5].Success ? Integer("stride", m.Groups[5].Value) : stride;
            format = m.Groups[7].Success ? m.Groups[7].Value : format;
            return (start, end, count, stride, format);
        }

        var args = term.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => (object?)p[1].Trim('"', '\''), StringComparer.Ordinal);
        foreach (var (key, value) in keywords)
        {
            args[key] = value;
        }

        foreach (var (key, value) in args)
        {
            switch (key)
            {
                case "start": start = Integer(key, Filters.Str(value)); break;
                case "end": end = Integer(key, Filters.Str(value)); break;
                case "count": count = Integer(key, Filters.Str(value)); break;
                case "stride": stride = Integer(key, Filters.Str(value)); break;
                case "format": format = Filters.Str(value); break;
                default: throw Filters.Error($"unrecognized arguments to with_sequence: ['{string.Join("', '", args.Keys.Where(k => k is not ("start" or "end" or "count" or "stride" or "format")))}']");
            }
        }

        return (start, end, count, stride, format);
    }

    /// <summary>Python's <c>int(text, 0)</c>: decimal without leading zeros, or <c>0x</c>/<c>0o</c>/<c>0b</c> prefixed.</summary>
    internal static long Integer(string name, string text)
    {
        var t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        var negative = t.StartsWith('-');
        var digits = t.TrimStart('-', '+');
        var (radix, body) = digits.Length > 1 && digits[0] == '0' ? char.ToLowerInvariant(digits[1]) switch
        {
            'x' => (16, digits[2..]),
            'o' => (8, digits[2..]),
            'b' => (2, digits[2..]),
            _ => (digits.All(c => c == '0') ? 10 : 0, digits),
        } : (10, digits);
        try
        {
            if (radix == 0 || body.Length == 0 || (radix == 10 && !body.All(char.IsAsciiDigit)))
            {
                throw new FormatException();
            }

            var value = radix == 10 ? long.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture) : Convert.ToInt64(body, radix);
            return negative ? -value : value;
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            throw Filters.Error($"can't parse {name}={text} as integer");
        }
    }

    [GeneratedRegex("^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(/(0?x?[0-9a-f]+))?(:(.+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Shortcut();
}
