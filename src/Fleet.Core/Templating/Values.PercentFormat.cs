using System.Globalization;
using System.Text;

namespace Fleet.Core.Templating;

public static partial class Values
{
    /// <summary>
    /// Python's printf-style <c>format % args</c> (and Jinja's <c>format</c> filter): <c>%s %r %d %i %f %F %e %E %x %X %o %c %%</c>
    /// with the flags <c>- 0 + space #</c>, a width, a precision, and <c>%(name)s</c> from a mapping.
    /// </summary>
    internal static string PercentFormat(string format, IReadOnlyList<object?> args)
    {
        var text = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                text.Append(format[i]);
                continue;
            }

            if (++i >= format.Length)
            {
                throw new FleetInputException("incomplete format");
            }

            object? value = null;
            var named = false;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0 || args is not [IReadOnlyDictionary<string, object?> map])
                {
                    throw new FleetInputException("format requires a mapping");
                }

                var key = format[(i + 1)..close];
                value = map.TryGetValue(key, out var found) ? found : throw new UndefinedVariableException(key, $"format key '{key}' is not given");
                named = true;
                i = close + 1;
            }

            var flags = "";
            while (i < format.Length && "-0+ #".Contains(format[i], StringComparison.Ordinal))
            {
                flags += format[i++];
            }

            var wide = 0L;
            while (i < format.Length && char.IsAsciiDigit(format[i]))
            {
                // A width past the size budget is refused before any padding is built (and before it wraps past 32 bits).
                wide = Math.Min((wide * 10) + (format[i++] - '0'), long.MaxValue / 100);
            }

            RenderBudget.CheckText(wide);
            var width = (int)wide;

            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                var p = 0L;
                while (i < format.Length && char.IsAsciiDigit(format[i]))
                {
                    p = Math.Min((p * 10) + (format[i++] - '0'), long.MaxValue / 100);
                }

                RenderBudget.CheckText(p);
                precision = (int)p;
            }

            if (i >= format.Length)
            {
                throw new FleetInputException("incomplete format");
            }

            var conversion = format[i];
            if (conversion == '%')
            {
                text.Append('%');
                continue;
            }

            if (!named)
            {
                value = next < args.Count ? args[next++] : throw new FleetInputException("not enough arguments for format string");
            }

            string body;
            var numeric = false;
            if (conversion is 'd' or 'i' or 'u' or 'f' or 'F' or 'e' or 'E' or 'g' or 'G' or 'x' or 'X' or 'o' && !IsNumber(value))
            {
                throw new FleetInputException($"%{conversion} format: a real number is required, not {TypeName(value)}");
            }

            switch (conversion)
            {
                case 's':
                    body = ToPython(value);
                    body = precision is { } cut && cut < body.Length ? body[..cut] : body;
                    break;
                case 'r':
                    body = Repr(value);
                    break;
                case 'd' or 'i' or 'u':
                    body = (value is double dv ? (long)Math.Truncate(dv) : value is bool bv ? (bv ? 1L : 0L) : AsLong(value)).ToString(CultureInfo.InvariantCulture);
                    numeric = true;
                    break;
                case 'f' or 'F':
                    body = AsDouble(value).ToString("F" + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                    numeric = true;
                    break;
                case 'e' or 'E':
                    body = AsDouble(value).ToString("0." + new string('0', precision ?? 6) + (conversion == 'e' ? "e+00" : "E+00"), CultureInfo.InvariantCulture);
                    numeric = true;
                    break;
                case 'x' or 'X' or 'o':
                    var n = AsLong(value);
                    var digits = conversion == 'o' ? Convert.ToString(Math.Abs(n), 8) : Math.Abs(n).ToString(conversion == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
                    if (flags.Contains('#', StringComparison.Ordinal))
                    {
                        digits = (conversion == 'o' ? "0o" : conversion == 'x' ? "0x" : "0X") + digits;
                    }

                    body = (n < 0 ? "-" : "") + digits;
                    numeric = true;
                    break;
                case 'c':
                    body = value is long code ? char.ConvertFromUtf32((int)code) : ToPython(value);
                    break;
                default:
                    throw new FleetInputException($"unsupported format character '{conversion}'");
            }

            if (numeric && !body.StartsWith('-'))
            {
                body = flags.Contains('+', StringComparison.Ordinal) ? "+" + body : flags.Contains(' ', StringComparison.Ordinal) ? " " + body : body;
            }

            if (body.Length < width)
            {
                if (flags.Contains('-', StringComparison.Ordinal))
                {
                    body = body.PadRight(width);
                }
                else if (numeric && flags.Contains('0', StringComparison.Ordinal))
                {
                    var sign = body.Length > 0 && body[0] is '-' or '+' or ' ' ? body[..1] : "";
                    body = sign + body[sign.Length..].PadLeft(width - sign.Length, '0');
                }
                else
                {
                    body = body.PadLeft(width);
                }
            }

            text.Append(body);
        }

        return next < args.Count && args is not [IReadOnlyDictionary<string, object?>] ? throw new FleetInputException("not all arguments converted during string formatting") : text.ToString();
    }
}
