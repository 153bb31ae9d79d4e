using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Yaml;

namespace Fleet.Core.Inventory;

/// <summary>
/// Ansible's INI inventory: host lines (<c>name [key=value …]</c>, ranges allowed) before any section or under <c>[group]</c>,
/// <c>[group:vars]</c> with <c>key=value</c> lines, <c>[group:children]</c> with group names; <c>#</c> and <c>;</c> start comments.
/// </summary>
internal static partial class IniInventory
{
    [GeneratedRegex(@"^\[(?<name>[^\[\]:\s]+)(?::(?<kind>[^\[\]\s]+))?\]\s*(?:[#;].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Section();

    /// <summary>True when the first meaningful line is an INI section or host line rather than YAML.</summary>
    public static bool LooksLikeIni(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line.StartsWith("---", StringComparison.Ordinal) || line[0] is '{' or '-')
            {
                return false;
            }

            // "[web]" is an INI section; "web-1 address=x" or a bare "web-1" is a host line; YAML has "key:" here.
            return Section().IsMatch(line) || !Regex.IsMatch(line, @"^[^\s=]+:(\s|$)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        return false;
    }

    /// <summary>Reads an INI inventory into <paramref name="builder"/>; problems are added to its errors with file:line:column.</summary>
    public static void Read(string path, string text, InventoryBuilder builder)
    {
        var errors = builder.Errors;
        var group = builder.Groups["all"];
        var kind = "hosts";
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var indent = line.Length - line.TrimStart().Length;
            var content = line.Trim();
            SourceLocation At(int column) => new(path, i + 1, column + 1);
            if (content.Length == 0 || content[0] is '#' or ';')
            {
                continue;
            }

            if (content[0] == '[')
            {
                var section = Section().Match(content);
                if (!section.Success || section.Groups["kind"].Value is not ("" or "vars" or "children"))
                {
                    errors.Add(new InputError(At(indent), $"bad INI section '{content}': expected [group], [group:vars] or [group:children]"));
                    group = null;
                    continue;
                }

                group = builder.Group(section.Groups["name"].Value);
                kind = section.Groups["kind"].Success ? section.Groups["kind"].Value : "hosts";
                continue;
            }

            if (group is null)
            {
                continue; // under a bad section, already reported
            }

            switch (kind)
            {
                case "vars":
                    var eq = content.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        errors.Add(new InputError(At(indent), $"[{group.Name}:vars] takes key=value lines, not '{content}'"));
                        break;
                    }

                    var valueText = content[(eq + 1)..].Trim();
                    var valueColumn = line.IndexOf('=', indent) + 1 + (content[(eq + 1)..].Length - content[(eq + 1)..].TrimStart().Length);
                    group.Vars[content[..eq].Trim()] = (Value(Unquote(valueText, out var quoted), quoted), At(valueColumn));
                    break;
                case "children":
                    builder.AddChild(group, content.Split([' ', '\t', '#', ';'], 2)[0], At(indent));
                    break;
                default:
                    ReadHostLine(line, i, group);
                    break;
            }
        }

        void ReadHostLine(string line, int index, InventoryBuilder.GroupBuilder group)
        {
            var words = Words(line);
            if (words.Count == 0)
            {
                return;
            }

            var (name, nameColumn, _) = words[0];
            var at = new SourceLocation(path, index + 1, nameColumn + 1);
            var vars = new List<(string, object?, SourceLocation)>();
            var colon = name.LastIndexOf(':');
            if (colon > 0 && name.IndexOf(':', StringComparison.Ordinal) == colon && name[(colon + 1)..].All(char.IsAsciiDigit) && colon < name.Length - 1)
            {
                // Ansible's "host:port" shorthand (not for IPv6 addresses, which have several colons).
                vars.Add(("port", Value(name[(colon + 1)..], false), at));
                name = name[..colon];
            }

            foreach (var (word, column, quoted) in words.Skip(1))
            {
                var eq = word.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    errors.Add(new InputError(new SourceLocation(path, index + 1, column + 1), $"host '{name}': expected key=value, not '{word}'"));
                    continue;
                }

                vars.Add((word[..eq], Value(word[(eq + 1)..], quoted), new SourceLocation(path, index + 1, column + eq + 2)));
            }

            foreach (var host in InventoryLoader.ExpandRange(name, at, errors))
            {
                builder.AddHost(group, host, at).Vars.AddRange(vars);
            }
        }
    }

    /// <summary>A value as Ansible reads INI values: quoted text stays text; numbers, booleans, <c>[lists]</c> and <c>{maps}</c> are typed (YAML rules).</summary>
    private static object? Value(string text, bool quoted)
    {
        if (quoted)
        {
            return text;
        }

        if (text.StartsWith('[') || text.StartsWith('{'))
        {
            try
            {
                return YamlFile.Parse("value", text) is { } node ? YamlFile.ToValue(node) : text;
            }
            catch (FleetInputException)
            {
                return text; // not a flow collection after all: text, as Ansible keeps what literal_eval cannot read
            }
        }

        return YamlFile.Scalar(text);
    }

    private static string Unquote(string text, out bool quoted)
    {
        quoted = text.Length >= 2 && text[0] == text[^1] && text[0] is '"' or '\'';
        return quoted ? text[1..^1] : text;
    }

    /// <summary>Shell-like words with their 0-based columns: quotes group and are removed, an unquoted <c>#</c> at a word start ends the line.</summary>
    private static List<(string Word, int Column, bool Quoted)> Words(string line)
    {
        var words = new List<(string, int, bool)>();
        var current = new StringBuilder();
        var start = -1;
        var quoted = false;
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                Flush();
                continue;
            }

            if (quote is null && start < 0 && c == '#')
            {
                break;
            }

            if (start < 0)
            {
                start = i;
            }

            if (c is '"' or '\'' && (quote is null || quote == c))
            {
                quote = quote is null ? c : null;
                quoted = true;
                continue;
            }

            current.Append(c);
        }

        Flush();
        return words;

        void Flush()
        {
            if (start >= 0)
            {
                words.Add((current.ToString(), start, quoted));
            }

            current.Clear();
            start = -1;
            quoted = false;
        }
    }
}
