using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>The filter, test and lookup registries list every family: a family left out of a registry loses its names here.</summary>
public sealed class RegistryTests
{
    [Fact]
    public void Filters_EveryFamilyRegistered_NamesAreTheKnownFilters()
    {
        string[] expected =
        [
            "abs", "b64decode", "b64encode", "basename", "bool", "capitalize", "center", "checksum", "combinations", "combine", "comment",
            "count", "d", "default", "dict2items", "dict_kv", "dictsort", "difference", "dirname", "expanduser", "expandvars", "extract",
            "first", "flatten", "float", "format", "from_json", "hash", "indent", "int", "intersect", "items", "items2dict", "join", "last",
            "length", "list", "log", "lower", "mandatory", "map", "max", "md5", "min", "password_hash", "path_join", "permutations", "pow",
            "product", "quote", "random", "regex_escape", "regex_findall", "regex_replace", "regex_search", "reject", "rejectattr",
            "relpath", "replace", "reverse", "root", "round", "safe", "select", "selectattr", "sha1", "shuffle", "sort", "split",
            "splitext", "strftime", "string", "sum", "symmetric_difference", "ternary", "title", "to_json", "to_nice_json", "to_nice_yaml",
            "to_uuid", "to_yaml", "trim", "truncate", "type_debug", "union", "unique", "upper", "urldecode", "urlencode", "urlsplit",
            "win_basename", "win_dirname", "win_splitdrive", "wordcount", "zip", "zip_longest",
        ];

        Assert.Equal(expected, Filters.Names);
        Assert.All(expected, name => Assert.True(Filters.Known(name), name));
    }

    [Fact]
    public void Tests_EveryFamilyRegistered_NamesAreTheKnownTests()
    {
        string[] expected =
        [
            "!=", "<", "<=", "==", ">", ">=", "abs", "all", "any", "boolean", "callable", "change", "changed", "contains", "defined",
            "directory", "divisibleby", "eq", "equalto", "even", "exists", "failed", "failure", "false", "falsy", "file", "finished",
            "float", "ge", "greaterthan", "gt", "in", "integer", "is_abs", "is_dir", "is_file", "is_link", "isnan", "issubset",
            "issuperset", "iterable", "le", "lessthan", "link", "link_exists", "lower", "lt", "mapping", "match", "nan", "ne", "none",
            "number", "odd", "reachable", "regex", "sameas", "search", "sequence", "skip", "skipped", "started", "string", "subset",
            "succeeded", "success", "successful", "superset", "true", "truthy", "undefined", "unreachable", "upper", "uri", "url", "urn",
            "version", "version_compare",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), Core.Templating.Tests.Names);
    }

    [Fact]
    public void Filter_FromEachFamily_Applies()
    {
        var vars = VariableScope.Of();

        var rendered = Template.RenderString(
            "{{ 'a b' | upper }} {{ [3, 1] | sort }} {{ [1, 1] | unique }} {{ {'a': 1} | dict2items }} {{ (-2) | abs }} {{ '/x/y.z' | basename }}"
            + " {{ 'x' | b64encode }} {{ {'a': 1} | to_json }} {{ 'ab' | regex_replace('b', 'c') }} {{ 'yes' | bool }}",
            vars, default);

        Assert.Equal("A B [1, 3] [1] [{'key': 'a', 'value': 1}] 2 y.z eA== {\"a\": 1} ac True", rendered);
    }

    [Fact]
    public void Lookup_UnknownPlugin_ListsTheSupportedOnes()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderString("{{ lookup('nope', 'x') }}", VariableScope.Of(), default));

        Assert.Contains("lookup plugin 'nope' is not supported (supported: items, list, dict, indexed_items, together, nested, sequence, subelements, flattened", error.Message, StringComparison.Ordinal);
        Assert.Contains("first_found, fileglob, file, template, env, vars, pipe, lines, varnames)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lookup_Pipe_RunsOnTheController()
    {
        var rendered = Template.RenderString("{{ lookup('ansible.builtin.pipe', 'echo a b; echo') }}", VariableScope.Of(), default);

        Assert.Equal("a b", rendered);
    }

    [Fact]
    public void Lookup_Env_ByEitherName_ReadsTheVariableOrTheDefault()
    {
        var rendered = Template.RenderString("{{ lookup('env', 'FLEET_SURELY_UNSET_VARIABLE', default='d') }}-{{ query('ansible.builtin.env', 'FLEET_SURELY_UNSET_VARIABLE') }}", VariableScope.Of(), default);

        Assert.Equal("d-['']", rendered);
    }
}
