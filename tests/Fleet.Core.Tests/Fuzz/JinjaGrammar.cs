using System.Globalization;
using System.Text;
using Fleet.Core.Templating;
using JinjaTests = Fleet.Core.Templating.Tests;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>
/// Random Jinja expressions and templates from the grammar Fleet implements: literals (huge ones too), every operator, Fleet's
/// filters and tests with random arguments, lookups, macros (recursive ones too), every statement, whitespace control, comments;
/// and, with a <see cref="Focus"/>, the hostile shapes of that <see cref="Hazard"/> at any point of the tree.
/// </summary>
public sealed class JinjaGrammar(Draw draw, IReadOnlyList<string> variables, IReadOnlyList<string> files)
{
    private const int MaxDepth = 4;

    private static readonly string[] FilterNames = [.. Filters.Names];

    private static readonly string[] TestNames = [.. JinjaTests.Names];

    private static readonly string[] BinaryOperators = ["+", "-", "*", "/", "//", "%", "**", "~", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "not in"];

    private static readonly string[] Lookups = ["file", "template", "env", "vars", "items", "list", "dict", "sequence", "lines", "fileglob", "first_found", "varnames", "indexed_items", "nested", "together", "subelements", "flattened", "random_choice", "pipe", "nosuchlookup"];

    private static readonly string[] OddPaths = ["/dev/zero", "/dev/null", "/proc/self/pagemap", "/etc", "/nonexistent/file", "", ".", "..", "fifo", "dir", "dangling", "loop", "binary.bin", "a\0b", "../../../../etc/hostname"];

    private int _macros;

    private bool _drawnHostile;

    /// <summary>
    /// Which hostile production a case's first hostile draw takes (in the order listed, modulo their number), so that successive
    /// cases of a hazard go through all its shapes instead of leaving some to chance; later draws are random. The default value is 0.
    /// </summary>
    public int Round { get; init; }

    /// <summary>The hazard this case draws hostile productions of, or null for plain random input. The default value is null.</summary>
    public Hazard? Focus { get; init; }

    /// <summary>The chance, at each choice point, of a hostile production of <see cref="Focus"/>. The default value is 0.</summary>
    public double Hostility { get; init; }

    /// <summary>
    /// True to draw only simple valid input besides the hostile productions, so that those are reached rather than stopped by an
    /// unrelated error first. The default value is false.
    /// </summary>
    public bool Tame { get; init; }

    /// <summary>A whole template: text with expressions, statements and comments.</summary>
    public string Template() => Tame && !WildTemplates ? "{{ inventory_hostname }}\n" + (Hostile() ? HostileStatement() : "") : Body(0);

    /// <summary>True to draw template files from the whole grammar even when <see cref="Tame"/>. The default value is false.</summary>
    public bool WildTemplates { get; init; }

    /// <summary>One value text holding a single <c>{{ expression }}</c>, maybe among plain text.</summary>
    public string Value()
    {
        if (Tame)
        {
            return Hostile() ? HostileStatement() : draw.Pick("x", "{{ v0 | default('a') }}", "{{ inventory_hostname }}", "{{ [1, 2] | length }}", "{% if true %}y{% endif %}", "{{ range(3) | list }}");
        }

        return draw.Chance(0.2) ? Body(1) : (draw.Chance(0.3) ? Text() : "") + "{{ " + Expression(0) + " }}" + (draw.Chance(0.3) ? Text() : "");
    }

    /// <summary>A bare expression, as <c>when</c> and <c>that</c> take it.</summary>
    public string Expression(int depth)
    {
        if (Hostile())
        {
            return HostileExpression();
        }

        if (Tame)
        {
            return draw.Pick("true", "v0 is defined", "1 + 1 == 2", "inventory_hostname != ''");
        }

        if (depth >= MaxDepth)
        {
            return Atom();
        }

        return draw.Next(0, 12) switch
        {
            0 or 1 => Atom(),
            2 or 3 => $"{Expression(depth + 1)} {draw.Pick(BinaryOperators)} {Expression(depth + 1)}",
            4 => $"{draw.Pick("not ", "-", "+")}{Expression(depth + 1)}",
            5 or 6 => $"{Expression(depth + 1)} | {Filter(depth + 1)}",
            7 => $"{Expression(depth + 1)} is {draw.Pick("", "not ")}{Test(depth + 1)}",
            8 => $"{Expression(depth + 1)} if {Expression(depth + 1)} else {Expression(depth + 1)}",
            9 => Call(depth + 1),
            10 => $"({Expression(depth + 1)})",
            _ => $"{Expression(depth + 1)}{draw.Pick(".x", ".items()", "[0]", "['k']", "[1:3]", "[::-1]", ".split(',')", ".upper()", ".get('a', 1)")}",
        };
    }

    private string Atom() => draw.Next(0, 11) switch
    {
        0 => draw.Next(-3, 100).ToString(CultureInfo.InvariantCulture),
        1 => draw.Pick("0.5", "1e3", "-2.25", "1.0", "0.0"),
        2 or 3 => Quoted(),
        4 => draw.Pick("true", "false", "none", "True", "None"),
        5 or 6 or 7 => variables.Count > 0 && draw.Chance(0.8) ? draw.Pick(variables) : draw.Pick("undefined_var", "item", "inventory_hostname", "hostvars", "groups", "loop", "ansible_facts", "omit"),
        8 => $"[{Atom()}, {Atom()}]",
        9 => $"{{'a': {Atom()}, 'b': {Atom()}}}",
        _ => "range(" + draw.Next(0, 5) + ")",
    };

    private string Quoted()
    {
        var text = draw.Pick("x", "", "a,b", "%s", "%d", "{}", "{0}", "a'b", "\\n", "1.2.3", "/etc/passwd", "true", "ABC", "a b c", "{{ x }}", "\\u0000", "é");
        return draw.Chance(0.5) ? $"'{text.Replace("'", "\\'", StringComparison.Ordinal)}'" : $"\"{text}\"";
    }

    private string Filter(int depth)
    {
        var name = draw.Chance(0.03) ? "no_such_filter" : draw.Pick(FilterNames);
        return draw.Next(0, 3) switch
        {
            0 => name,
            1 => $"{name}({Arguments(depth)})",
            _ => $"{name}({Arguments(depth)}, {draw.Pick("indent", "width", "first", "sort_keys", "rounds", "salt", "case_sensitive", "attribute", "default", "recursive")}={Atom()})",
        };
    }

    private string Test(int depth)
    {
        var name = draw.Chance(0.03) ? "no_such_test" : draw.Pick(TestNames);
        return draw.Chance(0.5) ? name : $"{name}({Arguments(depth)})";
    }

    private string Arguments(int depth) =>
        string.Join(", ", Enumerable.Range(0, draw.Next(0, 3)).Select(_ => depth >= MaxDepth ? Atom() : Expression(depth + 1)));

    private string Call(int depth)
    {
        var lookup = draw.Pick(Lookups);
        var term = files.Count > 0 && draw.Chance(0.6) ? $"'{draw.Pick(files)}'" : Atom();
        return draw.Next(0, 5) switch
        {
            0 => $"range({Arguments(depth)})",
            1 => $"dict(a={Atom()}, b={Atom()})",
            2 => $"lookup('{lookup}', {term}{draw.Pick("", ", errors='ignore'", ", wantlist=True", ", errors='bogus'")})",
            3 => $"{draw.Pick("query", "q")}('{lookup}', {term})",
            _ => $"lookup({Atom()})",
        };
    }

    /// <summary>Template text: a sequence of plain text, expressions, statements and comments.</summary>
    private string Body(int depth)
    {
        var parts = new StringBuilder();
        var count = draw.Next(1, depth == 0 ? 6 : 3);
        for (var i = 0; i < count; i++)
        {
            parts.Append(Part(depth));
        }

        return parts.ToString();
    }

    private string Part(int depth)
    {
        if (Hostile())
        {
            return HostileStatement();
        }

        if (depth >= MaxDepth)
        {
            return draw.Chance(0.5) ? Text() : $"{{{{{Dash()} {Expression(MaxDepth - 1)} {Dash()}}}}}";
        }

        var e = Expression(depth + 1);
        return draw.Next(0, 16) switch
        {
            0 or 1 => Text(),
            2 or 3 => $"{{{{{Dash()} {e} {Dash()}}}}}",
            4 => Statement($"if {e}", Body(depth + 1) + (draw.Chance(0.3) ? Statement($"elif {Expression(depth + 1)}", "", null) : "") + (draw.Chance(0.3) ? Statement("else", "", null) : "") + Body(depth + 1), "endif"),
            5 => Statement($"for {draw.Pick("x", "k, v", "item")} in {e}{draw.Pick("", " if x", " recursive")}", Body(depth + 1) + (draw.Chance(0.2) ? Statement("else", "", null) : ""), "endfor"),
            6 => Statement($"set {draw.Pick("s", "x", "ns.a")} = {e}", "", null),
            7 => Statement("set s", Body(depth + 1), "endset"),
            8 => Macro(depth),
            9 => Statement("call " + (_macros > 0 ? $"m{draw.Next(0, _macros)}()" : "nomacro()"), Body(depth + 1), "endcall"),
            10 => Statement($"filter {draw.Pick("upper", "lower", "trim", "indent(2)", "no_such_filter")}", Body(depth + 1), "endfilter"),
            11 => Statement("raw", draw.Pick("{{ x }}", "{% if %}", "text"), "endraw"),
            12 => draw.Pick("{# a comment #}", "{#- trimmed -#}", "{# unterminated", "{#", "#}", "{# {{ x }} #}"),
            13 => draw.Pick("{{", "}}", "{%", "%}", "{{ }}", "{% %}", "{% endif %}", "{% else %}", "{{ 1 +", "{% if %}", "{% for %}", "{% bogus %}", "{% include 'x' %}", "{% extends 'x' %}"),
            14 => Statement($"with s = {e}", Body(depth + 1), "endwith"),
            _ => Statement("block b", Body(depth + 1), "endblock"),
        };
    }

    private string Macro(int depth)
    {
        var name = "m" + _macros++;
        var body = Body(depth + 1);
        var macro = Statement($"macro {name}(a, b={Atom()})", body, "endmacro");
        return macro + (draw.Chance(0.8) ? $"{{{{ {name}({Atom()}) }}}}" : "");
    }

    private string Statement(string open, string body, string? close)
    {
        var unclosed = draw.Chance(0.03);
        return $"{{%{Dash()} {open} {Dash()}%}}" + body + (close is null || unclosed ? "" : $"{{%{Dash()} {close} {Dash()}%}}");
    }

    private string Dash() => draw.Pick("", "", "", "-", "+");

    private string Text() => draw.Pick("text ", " ", "\n", "a: b ", "-- ", "%}", "#}", "}}", "{ x }", "\t", "ü ", "' \" ");

    private bool Hostile() => Focus is { } focus && Productions.ContainsKey(focus) && draw.Chance(Hostility);

    /// <summary>Whether the grammar has hostile productions of <paramref name="hazard"/>.</summary>
    public static bool Produces(Hazard hazard) => Productions.ContainsKey(hazard);

    /// <summary>
    /// The hostile productions of each hazard: expressions (Statement false) and template parts (Statement true). Each is a shape a
    /// user could write that Fleet must compute within its budgets or refuse at its location.
    /// </summary>
    private static readonly Dictionary<Hazard, (bool Statement, Func<Draw, string> Make)[]> Productions = new()
    {
        [Hazard.HugeValue] =
        [
            .. Shapes(false, "'x' * 10**10", "'x' * 4294967296"),
            .. Shapes(false, "'x' * 10**10", "'x' * 4294967296", "[1] * 10**10", "'ab' * 2**40", "[[1] * 100000] * 100000", "'x' * 9223372036854775807", "[1] * 9223372036854775807", "'x' * (2 ** 62)"),
            .. Shapes(false, "range(100000) | join('x' * 100000)", "'a' | indent(2**31)", "('x' * 1000000) | replace('x', 'y' * 100000)", "'%s' | format('x' * 100000) * 100000", "'x' | center(10**12)", "range(100000) | map('string') | join(',') * 100000"),
            .. Shapes(false, "range(100000) | product(range(100000)) | list | length", "range(100000) | combinations(3) | list | length", "range(20) | permutations | list | length", "[range(100000)] * 100000 | flatten | length"),
            (true, _ => "{% set s = 'x' %}" + string.Concat(Enumerable.Repeat("{% set s = s ~ s %}", 40)) + "{{ s | length }}"),
        ],
        [Hazard.IntegerOverflow] =
        [
            .. Shapes(false, "9223372036854775807 + 1", "1 ** 9223372036854775807", "(-9223372036854775808) // -1", "2 ** 64"),
            .. Shapes(false, "9223372036854775807 + 1", "-9223372036854775808 - 1", "9223372036854775807 * 2", "2 ** 64", "2 ** 63", "(-9223372036854775808) // -1", "-9223372036854775808 % -1", "99999999999999999999", "-99999999999999999999 + 1", "(-9223372036854775808) | abs", "9223372036854775807 | int + 1"),
            .. Shapes(false, "1 ** 9223372036854775807", "2 ** 9223372036854775807", "10 ** 10 ** 10", "(-1) ** 9223372036854775807", "2 ** -9223372036854775808", "9223372036854775807 | float | int", "1e308 * 10", "(1e308 * 10) | int", "'x' * -9223372036854775808", "range(9223372036854775807) | length"),
        ],
        [Hazard.ManyIterations] =
        [
            .. Shapes(false, "range(-9223372036854775808, 9223372036854775807, 2**62)", "range(0, 9223372036854775807, 4611686018427387904)", "range(9223372036854775807, -9223372036854775808, -3)", "range(-9223372036854775807, 9223372036854775807)", "range(100000) | map('string') | map('length') | sum"),
            (true, _ => "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}"),
        ],
        [Hazard.FilterArguments] =
        [
            .. Shapes(false, "4 is divisibleby 0", "(-9223372036854775808) | abs", "'a' | indent(-5)", "{} | to_nice_json(indent=-1)"),
            .. Shapes(false, "'a' | indent(-5)", "{} | to_nice_json(indent=-1)", "'a' | comment(style='bogus')", "'!!!' | b64decode", "'{' | from_json", "'x: [' | from_yaml", "[1, 'a', none] | sort", "[{}, []] | max", "'%d' % 'a'", "'%(x)s' % 1", "'%' % 1", "'{}' | format", "'%z' | format(1)", "4 is divisibleby 0", "1 // 0", "1 % 0", "1 / 0", "1.0 // 0.0"),
            .. Shapes(false, "'abc' | truncate(-1)", "'a' | wordwrap(0)", "[1,2] | batch(0)", "[1,2] | slice(0)", "'a' | regex_search('(')", "'a' | regex_replace('[', 'b')", "'a' | int(base=99)", "'z' | int(base=2)", "none | to_datetime", "'x' | to_datetime('%Q')", "'a' | strftime", "'a' | password_hash('bogus')", "'1.2' | version('x', 'bogus')", "{'a': 1} | dict2items(key_name=none)", "[1] | items2dict", "-1 | filesizeformat", "'x' | human_to_bytes", "1 | round(9223372036854775807)"),
            .. Shapes(false, "'a' | center(-1)", "'a' | ljust(-9223372036854775808)", "'x' | truncate(9223372036854775807)", "[1] | batch(-1) | list", "'a' | indent(first=true, width=-9223372036854775808)", "{} | to_yaml(indent=-1)", "{} | to_json(indent=9999999999)", "'a' | hash('bogus')"),
            (false, d => $"{d.Pick("'x'", "''", "'%s'", "'a,b'")} | {d.Pick(FilterNames)}({d.Pick("-1", "-9223372036854775808", "none", "[]", "{}", "'%'", "0", "9223372036854775807", "'('")})"),
            (false, d => $"{d.Pick("-1", "none", "[1, 'a']", "{'a': none}", "''", "9223372036854775807", "-9223372036854775808", "0.0")} | {d.Pick(FilterNames)}"),
            (false, d => $"{d.Pick("-1", "none", "[1, 'a']", "''", "0")} is {d.Pick(TestNames)}({d.Pick("0", "-1", "none", "'('", "[]")})"),
        ],
        [Hazard.SlowRegex] =
        [
            .. Shapes(false, "('a' * 40 ~ 'b') | regex_search('(a+)+$')", "('a' * 40 ~ '!') is match('^(a|aa)+$')", "('x' * 5000) | regex_replace('(x*)*y', 'z')", "('a' * 60) | regex_findall('(a|a)*c')"),
        ],
        [Hazard.LookupSelfReference] =
        [
            .. Shapes(false, "lookup('template', 'self.j2')", "lookup('template', 'ping.j2')", "lookup('file', '/dev/zero')", "lookup('file', 'big.bin')", "lookup('template', 'big.bin')", "lookup('file', '/proc/self/pagemap')", "lookup('file', 'fifo')", "lookup('template', 'fifo')", "lookup('file', 'dir')", "lookup('template', '/dev/zero')", "lookup('file', 'loop')", "lookup('file', 'binary.bin')", "lookup('lines', 'cat /dev/zero')", "lookup('first_found', ['fifo', '/dev/zero'])", "lookup('fileglob', '/proc/*/mem')", "lookup('file', 'a\\x00b')"),
            (true, _ => "{{ lookup('template', 'self.j2') }}"),
        ],
        [Hazard.CostlyHash] =
        [
            .. Shapes(false, "'pw' | password_hash('sha512', rounds=999999999)", "'pw' | password_hash('sha512', 'salt', rounds=9223372036854775807)", "'pw' | password_hash('sha256', rounds=-1)", "'pw' | password_hash('md5', rounds=1000000000)"),
        ],
        [Hazard.DeepNesting] =
        [
            (true, d => Nested("{% if true %}", "{% endif %}", d.Pick(1_000, 10_000, 20_000))),
            (true, _ => Nested("{% if true %}", "{% endif %}", 10_000)),
            (true, _ => Nested("{% if true %}", "{% endif %}", 10_000) + Nested("{% for i in [1] %}", "{% endfor %}", 10_000)),
            (true, d => Nested("{% for i in [1] %}", "{% endfor %}", d.Pick(1_000, 10_000))),
            (true, _ => Nested("{% macro m() %}", "{% endmacro %}", 5_000)),
            (false, _ => new string('(', 10_000) + "1" + new string(')', 10_000)),
            (false, _ => string.Concat(Enumerable.Repeat("[", 5_000)) + string.Concat(Enumerable.Repeat("]", 5_000))),
            (false, _ => "1" + string.Concat(Enumerable.Repeat(" | string", 20_000))),
            (false, _ => string.Join(" + ", Enumerable.Repeat("1", 100_000))),
            (false, _ => string.Concat(Enumerable.Repeat("not ", 50_000)) + "x"),
            (false, _ => "1" + string.Concat(Enumerable.Repeat(" if 1 else 1", 20_000))),
            (false, _ => string.Concat(Enumerable.Repeat("-", 50_000)) + "1"),
            (false, _ => "x" + string.Concat(Enumerable.Repeat(".a", 50_000))),
            (false, _ => "2" + string.Concat(Enumerable.Repeat(" ** 2", 5_000))),
        ],
        [Hazard.ControlCharacters] =
        [
            .. Shapes(false, "'a\0b'", "'\u001b[31mred'", "undefined_\u0007var", "'x' | no_such\u001b[2Jfilter", "lookup('\u001b[31m')"),
            .. Shapes(true, "\u001b[2J{{ undefined_\u001b[31m }}", "{% if \u0000 %}{% endif %}", "{{ 'a' | no\u0007such }}"),
        ],
        [Hazard.RecursiveMacro] =
        [
            (true, _ => "{% macro rec(n) %}{{ rec(n) }}{% endmacro %}{{ rec(1) }}"),
            (true, _ => "{% macro ping(n) %}{{ pong(n) }}{% endmacro %}{% macro pong(n) %}{{ ping(n) }}{% endmacro %}{{ ping(1) }}"),
            (true, _ => "{% macro rec(n) %}{% call rec(n) %}x{% endcall %}{% endmacro %}{{ rec(1) }}"),
            (true, _ => "{% macro rec(n) %}{{ rec(n + 1) ~ rec(n + 1) }}{% endmacro %}{{ rec(1) }}"),
            // Guarded recursion is valid: it must render, or be refused only past a depth budget.
            (true, d => "{% macro down(n) %}{% if n > 0 %}{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(" + d.Pick("10", "100", "10000") + ") }}"),
        ],
        [Hazard.ManyExpressions] =
        [
            (true, d => string.Concat(Enumerable.Repeat("{{ 1 }}", d.Pick(10_000, 100_000)))),
        ],
    };

    private static IEnumerable<(bool Statement, Func<Draw, string> Make)> Shapes(bool statement, params string[] texts) =>
        texts.Select(text => (statement, (Func<Draw, string>)(_ => text)));

    private int Index(int count)
    {
        var index = _drawnHostile ? draw.Next(0, count) : Round % count;
        _drawnHostile = true;
        return index;
    }

    private static string Nested(string open, string close, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth));

    /// <summary>A hostile production of the focus, as an expression (a statement one is wrapped as a macro-free call when none exists).</summary>
    private string HostileExpression()
    {
        var focus = Focus!.Value;
        var expressions = Productions[focus].Where(p => !p.Statement).ToList();
        return expressions.Count > 0 ? draw.Mark(focus, expressions[Index(expressions.Count)].Make(draw)) : "true";
    }

    private string HostileStatement()
    {
        var focus = Focus!.Value;
        var production = Productions[focus][Index(Productions[focus].Length)];
        var text = production.Make(draw);
        return draw.Mark(focus, production.Statement ? text : "{{ " + text + " }}");
    }
}
