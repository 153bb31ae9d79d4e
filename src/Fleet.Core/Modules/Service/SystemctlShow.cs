namespace Fleet.Core.Modules.Service;

/// <summary>
/// <c>systemctl show UNIT</c> read as Ansible's systemd module reads it (<c>parse_systemctl_show</c>): one <c>Key=value</c> a line,
/// values stripped; a value of an <c>Exec…</c> key that opens with <c>{</c> and does not close on its line goes on until a line ending in <c>}</c>.
/// </summary>
public static class SystemctlShow
{
    /// <summary>The properties of one unit; a repeated key keeps its last value, a line without <c>=</c> outside a value is skipped.</summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new List<string>();
        string? key = null;
        foreach (var line in lines)
        {
            if (key is null)
            {
                var eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    continue;
                }

                key = line[..eq];
                var value = line[(eq + 1)..];

                // Only Exec values span lines: a Description that opens with { would otherwise swallow every later line.
                if (key.StartsWith("Exec", StringComparison.Ordinal) && Strip(value).StartsWith('{') && !Strip(value).EndsWith('}'))
                {
                    pending.Add(value);
                    continue;
                }

                parsed[key] = Strip(value);
                key = null;
            }
            else
            {
                pending.Add(line);
                if (Strip(line).EndsWith('}'))
                {
                    parsed[key] = Strip(string.Join('\n', pending));
                    pending.Clear();
                    key = null;
                }
            }
        }

        return parsed;
    }

    /// <summary>Python's <c>str.strip()</c> as far as systemctl's output goes (spaces, tabs, carriage returns).</summary>
    private static string Strip(string text) => text.Trim();
}
