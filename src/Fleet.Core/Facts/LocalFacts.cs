using System.Globalization;
using System.Text;
using Fleet.Core.Templating;

namespace Fleet.Core.Facts;

/// <summary>
/// Ansible's local facts (<c>ansible_local</c>): each <c>/etc/ansible/facts.d/*.fact</c>, run when executable and read otherwise,
/// parsed as JSON, else as INI (sections of lower-cased keys), else kept as Ansible's error text, under its name without
/// <c>.fact</c>.
/// </summary>
public static class LocalFacts
{
    /// <summary>The directory Ansible's <c>fact_path</c> defaults to.</summary>
    public const string Directory = "/etc/ansible/facts.d";

    /// <summary>Shell lines that print one <c>local=NAME=RC=BASE64</c> line per fact file (RC - when the file was only read).</summary>
    public const string Command = """
        for f in /etc/ansible/facts.d/*.fact; do [ -f "$f" ] || continue; n=${f##*/}; n=${n%.fact}
          if [ -x "$f" ]; then o=$("$f" 2>/dev/null); r=$?; else o=$(cat "$f" 2>/dev/null); r=-; fi
          printf 'local=%s=%s=' "$n" "$r"; printf '%s' "$o" | base64 -w0; echo; done
        """;

    /// <summary>The facts from the script's <c>local=</c> values (the text after <c>local=</c>).</summary>
    public static Dictionary<string, object?> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var facts = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.Trim().Split('=', 3) is not [var name, var rc, var encoded])
            {
                continue;
            }

            var path = $"{Directory}/{name}.fact";
            if (rc != "-" && rc != "0")
            {
                facts[name] = $"Failure executing fact script ({path}), rc: {rc}, err: ";
                continue;
            }

            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(encoded));
            }
            catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
            {
                facts[name] = $"error loading fact - output of running \"{path}\" was not utf-8";
                continue;
            }

            facts[name] = FromText(text, path);
        }

        return facts;
    }

    /// <summary>One fact file's value: JSON, else INI, else Ansible's error text.</summary>
    public static object? FromText(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return Json.Parse(text);
        }
        catch (FleetInputException)
        {
            return (object?)Ini(text) ?? $"error loading facts as JSON or ini - please check content: {path}";
        }
    }

    // Python's configparser as Ansible reads a fact: [section] headers, key = value or key: value, keys lower-cased,
    // # and ; comment lines, indented lines continuing a value; a key before any section is an error (null).
    private static Dictionary<string, object?>? Ini(string text)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        Dictionary<string, object?>? section = null;
        string? last = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                last = null;
                continue;
            }

            if (char.IsWhiteSpace(line[0]) && section is not null && last is not null)
            {
                section[last] = $"{section[last]}\n{trimmed}";
                continue;
            }

            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                var name = trimmed[1..^1];
                if (result.ContainsKey(name))
                {
                    return null;
                }

                result[name] = section = new Dictionary<string, object?>(StringComparer.Ordinal);
                last = null;
                continue;
            }

            var separator = trimmed.IndexOfAny(['=', ':']);
            if (section is null || separator <= 0)
            {
                return null;
            }

            last = trimmed[..separator].Trim().ToLower(CultureInfo.InvariantCulture);
            section[last] = trimmed[(separator + 1)..].Trim();
        }

        return result;
    }
}
