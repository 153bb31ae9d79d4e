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
            var prefix = S("prefix").Length > 0
                ? string.Concat(Enumerable.Repeat(S("prefix") != newline ? S("prefix") + newline : newline, (int)(ToLong(p["prefix_count"]) ?? 1)))
                : "";
            var decoration = S("decoration");
            var body = (decoration + text.Replace(newline, newline + decoration, StringComparison.Ordinal))
                .Replace(decoration + newline, decoration.TrimEnd() + newline, StringComparison.Ordinal);
            var postfix = string.Join(newline, new[] { "" }.Concat(Enumerable.Repeat(S("postfix"), (int)(ToLong(p["postfix_count"]) ?? 1))));
            var end = S("end").Length > 0 ? newline + S("end") : "";
            return beginning + prefix + body + postfix + end;
        }
    }
}
