using System.Globalization;
using System.Text;

namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>
    /// Ansible's <c>strftime</c>: Python's <c>time.strftime</c> (glibc's directives in the C locale, with the <c>-</c>, <c>_</c>,
    /// <c>0</c> and <c>^</c> flags) of now or of <c>second=</c> epoch seconds, in the controller's time zone or in UTC with <c>utc=true</c>.
    /// </summary>
    private static class Times
    {
        private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
        private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["strftime"] = (v, c) => Strftime(Str(v), c.Get(0, "second"), Values.Truthy(c.Get(1, "utc", false))),
        };

        private static string Strftime(string format, object? second, bool utc)
        {
            var instant = DateTimeOffset.UtcNow;
            if (second is not null)
            {
                var seconds = ToFloat(second) is { } s && !double.IsNaN(s) && !double.IsInfinity(s) ? s : throw Error($"Invalid value for epoch value ({Str(second)})");
                instant = DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(seconds));
            }

            var zone = utc ? TimeZoneInfo.Utc : TimeZoneInfo.Local;
            var time = TimeZoneInfo.ConvertTime(instant, zone);
            var name = utc ? "GMT" : ZoneName(zone, time);
            return Format(format, time, name);
        }

        // glibc prints the zone's abbreviation; .NET knows it only for UTC, so another zone shows its offset as tzdata does for zones without a name.
        private static string ZoneName(TimeZoneInfo zone, DateTimeOffset time) =>
            time.Offset == TimeSpan.Zero && zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime ? "UTC"
            : (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.Duration().ToString(time.Offset.Minutes == 0 ? "hh" : "hhmm", CultureInfo.InvariantCulture);

        private static string Format(string format, DateTimeOffset t, string zone)
        {
            var result = new StringBuilder();
            for (var i = 0; i < format.Length; i++)
            {
                if (format[i] != '%' || i + 1 >= format.Length)
                {
                    result.Append(format[i]);
                    continue;
                }

                var start = i;
                var flag = format[i + 1] is '-' or '_' or '0' or '^' or '#' ? format[++i] : '\0';
                if (i + 1 >= format.Length)
                {
                    result.Append(format[start..]);
                    break;
                }

                var directive = format[++i];
                var text = Directive(directive, t, zone, flag);
                result.Append(text ?? format[start..(i + 1)]);
            }

            return result.ToString();
        }

        // One conversion; null for one glibc does not know, which it prints as written.
        private static string? Directive(char directive, DateTimeOffset t, string zone, char flag)
        {
            var weekday = (int)t.DayOfWeek;
            var yearDay = t.DayOfYear - 1;
            var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
            string Number(long value, int width, char pad = '0') => Padded(value, width, flag switch { '-' => '\0', '_' => ' ', '0' => '0', _ => pad });
            string Word(string word) => flag == '^' ? word.ToUpperInvariant() : word;
            return directive switch
            {
                'a' => Word(Days[weekday][..3]),
                'A' => Word(Days[weekday]),
                'b' or 'h' => Word(Months[t.Month - 1][..3]),
                'B' => Word(Months[t.Month - 1]),
                'c' => Format("%a %b %e %H:%M:%S %Y", t, zone),
                'C' => Number(t.Year / 100, 2),
                'd' => Number(t.Day, 2),
                'D' => Format("%m/%d/%y", t, zone),
                'e' => Number(t.Day, 2, ' '),
                'F' => Format("%Y-%m-%d", t, zone),
                'g' => Number(ISOWeek.GetYear(t.DateTime) % 100, 2),
                'G' => Number(ISOWeek.GetYear(t.DateTime), 1),
                'H' => Number(t.Hour, 2),
                'I' => Number(hour12, 2),
                'j' => Number(yearDay + 1, 3),
                'k' => Number(t.Hour, 2, ' '),
                'l' => Number(hour12, 2, ' '),
                'm' => Number(t.Month, 2),
                'M' => Number(t.Minute, 2),
                'n' => "\n",
                'p' => flag == '#' ? (t.Hour < 12 ? "am" : "pm") : t.Hour < 12 ? "AM" : "PM",
                'P' => t.Hour < 12 ? "am" : "pm",
                'r' => Format("%I:%M:%S %p", t, zone),
                'R' => Format("%H:%M", t, zone),
                's' => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                'S' => Number(t.Second, 2),
                't' => "\t",
                'T' => Format("%H:%M:%S", t, zone),
                'u' => Number(weekday == 0 ? 7 : weekday, 1),
                'U' => Number((yearDay + 7 - weekday) / 7, 2),
                'V' => Number(ISOWeek.GetWeekOfYear(t.DateTime), 2),
                'w' => Number(weekday, 1),
                'W' => Number((yearDay + 7 - ((weekday + 6) % 7)) / 7, 2),
                'x' => Format("%m/%d/%y", t, zone),
                'X' => Format("%H:%M:%S", t, zone),
                'y' => Number(t.Year % 100, 2),
                'Y' => Number(t.Year, 1),
                'z' => (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture),
                'Z' => Word(zone),
                '%' => "%",
                _ => null,
            };
        }

        private static string Padded(long value, int width, char pad) =>
            pad == '\0' ? value.ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture).PadLeft(width, pad);
    }
}
