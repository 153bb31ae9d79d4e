using System.Globalization;

namespace Fleet.Core.Modules.Files;

/// <summary>File mode arithmetic: symbolic modes (<c>u=rw,g=r,o=</c>, <c>a+x</c>) applied to a current octal mode, like chmod does.</summary>
public static class FileMode
{
    /// <summary>The octal mode ("0644") that <paramref name="desired"/> gives a path whose mode is <paramref name="current"/>.</summary>
    public static string Resolve(string desired, string? current, bool isDirectory)
    {
        ArgumentNullException.ThrowIfNull(desired);
        if (desired.All(char.IsDigit))
        {
            return desired;
        }

        var mode = current is null ? (isDirectory ? 0b111_101_101 : 0b110_100_100) : Convert.ToInt32(current, 8);
        foreach (var clause in desired.Split(','))
        {
            var opIndex = clause.IndexOfAny(['+', '-', '=']);
            var who = clause[..opIndex];
            if (who.Length == 0 || who.Contains('a', StringComparison.Ordinal))
            {
                who = "ugo";
            }

            var op = clause[opIndex];
            var perms = clause[(opIndex + 1)..];
            foreach (var w in who)
            {
                var shift = w switch { 'u' => 6, 'g' => 3, _ => 0 };
                var bits = 0;
                var special = 0;
                foreach (var p in perms)
                {
                    bits |= p switch
                    {
                        'r' => 4,
                        'w' => 2,
                        'x' => 1,
                        'X' when isDirectory || (mode & 0b001_001_001) != 0 => 1,
                        _ => 0,
                    };
                    special |= (p, w) switch
                    {
                        ('s', 'u') => 0x800,
                        ('s', 'g') => 0x400,
                        ('t', 'o') => 0x200,
                        _ => 0,
                    };
                }

                var mask = 7 << shift;
                mode = op switch
                {
                    '+' => mode | (bits << shift) | special,
                    '-' => mode & ~(bits << shift) & ~special,
                    _ => (mode & ~mask) | (bits << shift) | special,
                };
            }
        }

        return Convert.ToString(mode, 8).PadLeft(4, '0');
    }

    /// <summary>Formats an octal mode for messages ("0644").</summary>
    public static string Show(string octal) => int.Parse(octal, NumberStyles.None, CultureInfo.InvariantCulture).ToString("D4", CultureInfo.InvariantCulture);
}
