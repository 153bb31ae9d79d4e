namespace Fleet.Core.Templating;

public static partial class Filters
{
    /// <summary>Ansible's core filters that belong to no other family: <c>bool</c>, <c>ternary</c>, <c>type_debug</c>, <c>quote</c>, <c>comment</c>.</summary>
    private static class Ansible
    {
        public static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
        {
            ["bool"] = (v, _) => v switch
            {
                null => null,
                bool b => b,
                string s => s.ToLowerInvariant() is "yes" or "on" or "1" or "true",
                long n => n == 1,
                double d => d == 1,
                _ => false,
            },
            ["ternary"] = (v, c) => v is null && c.Get(2, "none_val") is { } none ? none : Values.Truthy(v) ? c.Get(0, "true_val") : c.Get(1, "false_val"),
            ["type_debug"] = (v, _) => Values.TypeName(v),
            ["quote"] = (v, _) => ShellWord.Quote(v is null ? "" : Str(v), QuoteEscape.DoubleQuotes),
            ["comment"] = (v, c) => Comment(Str(v), c),
        };

        private static string Comment(string text, FilterCall call)
        {
            var styles = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
            {
                ["plain"] = new() { ["decoration"] = "# " },
                ["erlang"] = new() { ["decoration"] = "% " },
                ["c"] = new() { ["decoration"] = "// " },
                ["cblock"] = new() { ["beginning"] = "/*", ["decoration"] = " * ", ["end"] = " */" },
                ["xml"] = new() { ["beginning"] = "<!--", ["decoration"] = " - ", ["end"] = "-->" },
            };
            var style = styles.GetValueOrDefault(Str(call.Get(0, "style", "plain"))) ?? throw Error($"unknown comment style '{Str(call.Get(0, "style"))}'");
            var prepostfix = call.Keywords.TryGetValue("decoration", out var d) ? Str(d) : style["decoration"];
            var p = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["newline"] = "\n", ["beginning"] = "", ["prefix"] = prepostfix.TrimEnd(), ["prefix_count"] = 1L,
                ["decoration"] = "", ["postfix"] = prepostfix.TrimEnd(), ["postfix_count"] = 1L, ["end"] = "",
            };
            foreach (var (k, v) in style)
            {
                p[k] = v;
            }

            foreach (var (k, v) in call.Keywords)
            {
                p[k] = v;
            }

            string S(string key) => Str(p[key]);
            var newline = S("newline");
            var beginning = S("beginning").Length > 0 ? S("beginning") + newline : "";
            // Python's [x] * n: a count of zero or less is none; the size is checked before the repetition is built.
            int Times(string key, string item)
            {
                var n = Math.Max(0, ToLong(p[key]) ?? 1);
                RenderBudget.CheckText(item.Length == 0 ? 0 : n > long.MaxValue / item.Length ? long.MaxValue : n * (item.Length + newline.Length));
                return (int)Math.Min(n, int.MaxValue);
            }

            var prefix = S("prefix").Length > 0
                ? string.Concat(Enumerable.Repeat(S("prefix") != newline ? S("prefix") + newline : newline, Times("prefix_count", S("prefix") + newline)))
                : "";
            var decoration = S("decoration");
            var body = PythonReplace(decoration + PythonReplace(text, newline, newline + decoration), decoration + newline, decoration.TrimEnd() + newline);
            var postfix = string.Join(newline, new[] { "" }.Concat(Enumerable.Repeat(S("postfix"), Times("postfix_count", S("postfix")))));
            var end = S("end").Length > 0 ? newline + S("end") : "";
            return beginning + prefix + body + postfix + end;
        }

        // Python's str.replace: an empty old text inserts the new one between characters (.NET refuses it).
        private static string PythonReplace(string text, string old, string replacement)
        {
            if (old.Length > 0)
            {
                RenderBudget.CheckText(text.Length + (text.Length / old.Length * (long)Math.Max(0, replacement.Length - old.Length)));
                return text.Replace(old, replacement, StringComparison.Ordinal);
            }

            RenderBudget.CheckText(text.Length + ((text.Length + 1L) * replacement.Length));
            return string.Concat(text.Select(c => replacement + c)) + replacement;
        }
    }
}
