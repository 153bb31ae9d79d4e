// Over 400 lines as one concept: a line-for-line port of community.general.pamd (PamdService, PamdRule), kept whole to read beside the original.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Core.Modules.Pamd;

/// <summary>
/// A PAM service file as community.general.pamd (6.6.2) reads and writes it, ported line for line so the bytes written are
/// Ansible's: a doubly linked list of lines (rules, comments, <c>@include</c> lines, empty lines); every rule is written back in
/// pamd's own layout (type padded to 11 columns, single spaces), and an "Updated by Ansible" mark goes on the second line.
/// Its quirks are kept on purpose: inserting before or after a rule drops the comments between it and its neighbouring rule,
/// an indented comment or include fails validation, a line that is not a rule fails the whole file.
/// </summary>
public sealed partial class PamdService
{
    /// <summary>The rule types pamd accepts (a leading '-' means "skip when the module is missing").</summary>
    public static readonly IReadOnlyList<string> ValidTypes = ["account", "-account", "auth", "-auth", "password", "-password", "session", "-session"];

    private static readonly string[] SimpleControls = ["required", "requisite", "sufficient", "optional", "include", "substack", "definitive"];

    private static readonly string[] ControlValues =
    [
        "success", "open_err", "symbol_err", "service_err", "system_err", "buf_err", "perm_denied", "auth_err", "cred_insufficient",
        "authinfo_unavail", "user_unknown", "maxtries", "new_authtok_reqd", "acct_expired", "session_err", "cred_unavail", "cred_expired",
        "cred_err", "no_module_data", "conv_err", "authtok_err", "authtok_recover_err", "authtok_lock_busy", "authtok_disable_aging",
        "try_again", "ignore", "abort", "authtok_expired", "module_unknown", "bad_item", "conv_again", "incomplete", "default",
    ];

    private static readonly string[] ControlActions = ["ignore", "bad", "die", "ok", "done", "reset"];

    private Line? _head;
    private Line? _tail;

    private PamdService()
    {
    }

    /// <summary>Parses a service file's text; a line that is neither comment, include, empty nor rule is a <see cref="FormatException"/>.</summary>
    public static PamdService Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var service = new PamdService();
        foreach (var text in SplitLines(content))
        {
            var trimmed = text.TrimStart(PythonWhitespace);
            service.Append(trimmed.StartsWith('#') ? new Line(LineKind.Comment, text)
                : trimmed.StartsWith("@include", StringComparison.Ordinal) ? new Line(LineKind.Include, text)
                : text.Trim(PythonWhitespace).Length == 0 ? new Line(LineKind.Empty, text)
                : Rule.FromString(text));
        }

        return service;
    }

    /// <summary>Removes every rule of this type, control and module; returns how many.</summary>
    public int Remove(string type, string control, string path)
    {
        var changed = 0;
        for (var current = _head; current is not null; current = current.Next)
        {
            if (!Matches(current, type, control, path))
            {
                continue;
            }

            if (current.Prev is not null)
            {
                current.Prev.Next = current.Next;
                if (current.Next is not null)
                {
                    current.Next.Prev = current.Prev;
                }
            }
            else
            {
                // pamd dereferences the next line here: removing a file's only line is its AttributeError.
                _head = current.Next ?? throw new FormatException("pamd cannot remove the only line of a file");
                current.Next.Prev = null;
            }

            changed++;
        }

        return changed;
    }

    /// <summary>Sets the type, control, module or arguments (each when given) of every matching rule; returns how many changed.</summary>
    public int UpdateRule(string type, string control, string path, string? newType, string? newControl, string? newPath, IReadOnlyList<string>? newArgs)
    {
        var parsedArgs = newArgs is null ? null : ParseArguments(newArgs);
        var changes = 0;
        foreach (var rule in Get(type, control, path))
        {
            var changed = false;
            if (!string.IsNullOrEmpty(newType) && rule.Type != newType)
            {
                changed = true;
                rule.Type = newType;
            }

            if (!string.IsNullOrEmpty(newControl) && rule.Control != newControl)
            {
                changed = true;
                rule.Control = newControl;
            }

            if (!string.IsNullOrEmpty(newPath) && rule.Path != newPath)
            {
                changed = true;
                rule.Path = newPath;
            }

            if (parsedArgs is not null && !rule.Args.SequenceEqual(parsedArgs, StringComparer.Ordinal))
            {
                changed = true;
                rule.Args = ParseArguments(parsedArgs);
            }

            changes += changed ? 1 : 0;
        }

        return changes;
    }

    /// <summary>Inserts the new rule before every matching rule whose previous rule is not already it; returns how many.</summary>
    public int InsertBefore(string type, string control, string path, string newType, string newControl, string newPath, IReadOnlyList<string>? newArgs)
    {
        var changes = 0;
        foreach (var current in Get(type, control, path))
        {
            var newRule = new Rule(newType, newControl, newPath, newArgs ?? []);
            var previous = current.Prev;
            while (previous is not null && previous.Kind is LineKind.Comment or LineKind.Empty)
            {
                previous = previous.Prev;
            }

            if (previous is not null && !Matches(previous, newType, newControl, newPath))
            {
                // As pamd: the comments between the previous rule and this one fall out of the list.
                previous.Next = newRule;
                newRule.Prev = previous;
                newRule.Next = current;
                current.Prev = newRule;
                changes++;
            }
            else if (previous is null)
            {
                if (current.Prev is null)
                {
                    _head = newRule;
                }
                else
                {
                    current.Prev.Next = newRule;
                }

                newRule.Prev = current.Prev;
                newRule.Next = current;
                current.Prev = newRule;
                changes++;
            }
        }

        return changes;
    }

    /// <summary>Inserts the new rule after every matching rule whose next rule is not already it; returns how many.</summary>
    public int InsertAfter(string type, string control, string path, string newType, string newControl, string newPath, IReadOnlyList<string>? newArgs)
    {
        var changes = 0;
        foreach (var current in Get(type, control, path))
        {
            var next = current.Next;
            while (next is not null && next.Kind is LineKind.Comment or LineKind.Empty)
            {
                next = next.Next;
            }

            var newRule = new Rule(newType, newControl, newPath, newArgs ?? []);
            if (next is not null && !Matches(next, newType, newControl, newPath))
            {
                next.Prev = newRule;
                newRule.Next = next;
                newRule.Prev = current;
                current.Next = newRule;
                changes++;
            }
            else if (next is null)
            {
                newRule.Prev = _tail;
                newRule.Next = null;
                _tail!.Next = newRule;
                _tail = newRule;
                current.Next = newRule;
                changes++;
            }
        }

        return changes;
    }

    /// <summary>Adds the arguments a matching rule lacks and sets key=value arguments whose value differs; returns the rules changed.</summary>
    public int AddArguments(string type, string control, string path, IReadOnlyList<string> argsToAdd)
    {
        var toAdd = ParseArguments(argsToAdd);
        var changes = 0;
        foreach (var rule in Get(type, control, path))
        {
            var (simpleNew, keyValueNew) = Classify(toAdd);
            var (simpleCurrent, keyValueCurrent) = Classify(rule.Args);

            // pamd walks Python sets here (an order that changes from run to run); Fleet keeps the order they were written in.
            var added = simpleNew.Where(a => !simpleCurrent.Contains(a))
                .Concat(keyValueNew.Where(kv => !keyValueCurrent.ContainsKey(kv.Key)).Select(kv => kv.Key + "=" + kv.Value)).ToList();
            var changed = false;
            var args = rule.Args.ToList();
            if (added.Count > 0)
            {
                args.AddRange(added);
                changed = true;
            }

            foreach (var (key, value) in keyValueNew)
            {
                if (keyValueCurrent.TryGetValue(key, out var currentValue) && currentValue != value)
                {
                    args[args.IndexOf(key + "=" + currentValue)] = key + "=" + value;
                    changed = true;
                }
            }

            rule.Args = ParseArguments(args);
            changes += changed ? 1 : 0;
        }

        return changes;
    }

    /// <summary>Removes the given arguments from every matching rule; returns the rules changed.</summary>
    public int RemoveArguments(string type, string control, string path, IReadOnlyList<string> argsToRemove)
    {
        var toRemove = ParseArguments(argsToRemove).ToHashSet(StringComparer.Ordinal);
        var changes = 0;
        foreach (var rule in Get(type, control, path))
        {
            if (!rule.Args.Any(toRemove.Contains))
            {
                continue;
            }

            rule.Args = ParseArguments(rule.Args.Where(a => !toRemove.Contains(a)).ToList());
            changes++;
        }

        return changes;
    }

    /// <summary>The first invalid line's message (pamd's own words), or null when every line is valid.</summary>
    public string? Validate()
    {
        for (var current = _head; current is not null; current = current.Next)
        {
            if (current.Validate() is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>The file's text as pamd writes it, with the mark "# Updated by Ansible - <paramref name="timestamp"/>" on its second line.</summary>
    public string Render(string timestamp)
    {
        var lines = new List<string>();
        for (var current = _head; current is not null; current = current.Next)
        {
            lines.Add(current.Text);
        }

        var mark = "# Updated by Ansible - " + timestamp;
        if (lines.Count <= 1)
        {
            lines.Insert(0, "");
            lines.Insert(1, mark);
        }
        else if (lines[1].StartsWith("# Updated by Ansible", StringComparison.Ordinal))
        {
            lines[1] = mark;
        }
        else
        {
            lines.Insert(1, mark);
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Python's <c>datetime.now().isoformat()</c> of a local time (microseconds left out when zero).</summary>
    public static string IsoTimestamp(DateTime local)
    {
        var micro = local.Ticks % TimeSpan.TicksPerSecond / 10;
        var seconds = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micro == 0 ? seconds : seconds + "." + micro.ToString("000000", CultureInfo.InvariantCulture);
    }

    /// <summary>pamd's argument list: each item split into bracketed groups and runs of non-space characters.</summary>
    public static IReadOnlyList<string> ParseArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count == 1 && arguments[0].Length == 0)
        {
            return [];
        }

        return arguments.SelectMany(a => ArgumentRegex().Matches(a).Select(m => m.Value)).Where(v => v.Length > 0).ToList();
    }

    private IEnumerable<Rule> Get(string type, string control, string path)
    {
        var found = new List<Rule>();
        for (var current = _head; current is not null; current = current.Next)
        {
            if (current is Rule rule && Matches(rule, type, control, path))
            {
                found.Add(rule);
            }
        }

        return found;
    }

    private static bool Matches(Line line, string type, string control, string path) =>
        line is Rule rule && rule.Type == type && rule.Control == control && rule.Path == path;

    private void Append(Line line)
    {
        if (_head is null)
        {
            _head = _tail = line;
            return;
        }

        line.Prev = _tail;
        _tail!.Next = line;
        _tail = line;
    }

    private static (List<string> Simple, Dictionary<string, string> KeyValue) Classify(IEnumerable<string> args)
    {
        var simple = new List<string>();
        var keyValue = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in args)
        {
            if (arg.StartsWith('['))
            {
                continue;
            }

            if (arg.Contains('=', StringComparison.Ordinal))
            {
                var parts = arg.Split('=');
                if (parts.Length != 2)
                {
                    throw new FormatException($"pamd cannot handle the argument '{arg}' (more than one '=')");
                }

                keyValue[parts[0]] = parts[1];
            }
            else if (!simple.Contains(arg))
            {
                simple.Add(arg);
            }
        }

        return (simple, keyValue);
    }

    /// <summary>Python's <c>str.splitlines()</c>: every line break Python knows, the breaks themselves dropped.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                lines.Add(line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(c);
            }
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }

    private static readonly char[] PythonWhitespace = [' ', '\t', '\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\u00a0', '\u2028', '\u2029', '\u3000'];

    [GeneratedRegex(@"(?<type>-?(?:auth|account|session|password))\s+(?<control>\[.*\]|\S*)\s+(?<path>\S*)\s*(?<args>.*)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex RuleRegex();

    [GeneratedRegex(@"(\[.*\]|\S*)", RegexOptions.CultureInvariant)]
    private static partial Regex ArgumentRegex();

    private enum LineKind
    {
        Empty,
        Comment,
        Include,
        Rule,
    }

    /// <summary>One line of the file, linked to its neighbours as pamd links them.</summary>
    private class Line(LineKind kind, string text)
    {
        public LineKind Kind { get; } = kind;

        public Line? Prev { get; set; }

        public Line? Next { get; set; }

        public virtual string Text => text;

        public virtual string? Validate() => Kind switch
        {
            LineKind.Comment when text.StartsWith('#') => null,
            LineKind.Include when text.StartsWith("@include", StringComparison.Ordinal) => null,
            LineKind.Empty when text.Trim(PythonWhitespace).Length == 0 => null,
            _ => "Rule is not valid " + text,
        };
    }

    /// <summary>A rule: type, control (simple, or a bracketed list of value=action), module path and arguments.</summary>
    private sealed class Rule : Line
    {
        private string? _simpleControl;
        private List<string>? _complexControl;

        public Rule(string type, string control, string path, IReadOnlyList<string> args)
            : base(LineKind.Rule, "")
        {
            Type = type;
            Control = control;
            Path = path;
            Args = ParseArguments(args);
        }

        public string Type { get; set; }

        public string Path { get; set; }

        public IReadOnlyList<string> Args { get; set; }

        /// <summary>The control as pamd compares and writes it: a complex control's items joined by single spaces in brackets.</summary>
        public string Control
        {
            get => _complexControl is null ? _simpleControl! : "[" + string.Join(' ', _complexControl) + "]";
            set
            {
                if (value.StartsWith('['))
                {
                    _complexControl = value.Replace(" = ", "=", StringComparison.Ordinal).Replace("[", "", StringComparison.Ordinal)
                        .Replace("]", "", StringComparison.Ordinal).Split(' ').ToList();
                    _simpleControl = null;
                }
                else
                {
                    _simpleControl = value;
                    _complexControl = null;
                }
            }
        }

        public override string Text =>
            Type.PadRight(11) + Control + " " + Path + (Args.Count > 0 ? " " + string.Join(' ', Args) : "");

        public static Rule FromString(string line)
        {
            var match = RuleRegex().Match(line);
            if (!match.Success)
            {
                throw new FormatException("not a PAM rule: " + line);
            }

            return new Rule(match.Groups["type"].Value, match.Groups["control"].Value, match.Groups["path"].Value, [match.Groups["args"].Value]);
        }

        public override string? Validate()
        {
            if (!ValidTypes.Contains(Type))
            {
                return $"Rule type, {Type}, is not valid in rule {Text}";
            }

            if (_complexControl is null)
            {
                return SimpleControls.Contains(Control) ? null : $"Rule control, {Control}, is not valid in rule {Text}";
            }

            foreach (var item in _complexControl)
            {
                var parts = item.Split('=');
                if (parts.Length != 2)
                {
                    return $"Rule control item '{item}' is not value=action in rule {Text}";
                }

                if (!ControlValues.Contains(parts[0]))
                {
                    return $"Rule control value, {parts[0]}, is not valid in rule {Text}";
                }

                if (!ControlActions.Contains(parts[1]) && !(int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 0))
                {
                    return $"Rule control action, {parts[1]}, is not valid in rule {Text}";
                }
            }

            return null;
        }
    }
}
