using Fleet.Core.Execution;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>Each lookup plugin as Ansible's computes it, reached both as a <c>with_</c> loop and as <c>query()</c>.</summary>
public sealed class LookupPluginTests
{
    private static readonly LookupContext NoFiles = new(VariableScope.Of());

    private static List<object?> L(params object?[] items) => [.. items];

    private static Dictionary<string, object?> M(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    private static string Py(object? value) => Values.ToPython(value);

    private static List<object?> Loop(string name, object? value, LookupContext? context = null) => Lookups.Loop(name, value, context ?? NoFiles);

    [Fact]
    public void Items_FlattensOneLevel_AndTextIsAListOfOne()
    {
        Assert.Equal("[1, 2, [3], 4]", Py(Loop("items", L(1L, L(2L, L(3L)), 4L))));
        Assert.Equal("['one']", Py(Loop("items", "one")));
    }

    [Fact]
    public void List_KeepsNestedLists()
    {
        Assert.Equal("[[1, 2], 3]", Py(Loop("list", L(L(1L, 2L), 3L))));
    }

    [Fact]
    public void Dict_GivesKeyValueItems_AndRefusesAList()
    {
        Assert.Equal("[{'key': 'b', 'value': 1}, {'key': 'a', 'value': 2}]", Py(Loop("dict", M(("b", 1L), ("a", 2L)))));
        var error = Assert.Throws<FleetInputException>(() => Loop("ansible.builtin.dict", L(1L)));
        Assert.Contains("with_dict expects a dict, not '1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexedItems_PairsIndexAndItem_AsTuples()
    {
        var items = Loop("indexed_items", L("a", L("b", "c")));
        Assert.Equal("[(0, 'a'), (1, 'b'), (2, 'c')]", Py(items));
        Assert.IsType<TupleValue>(items[0]);
    }

    [Fact]
    public void Together_PadsTheShorterListsWithNull()
    {
        Assert.Equal("[[1, 'a', 'x'], [2, 'b', None], [3, None, None]]", Py(Loop("together", L(L(1L, 2L, 3L), L("a", "b"), "x"))));
    }

    [Fact]
    public void Nested_EveryCombination_FlattenedOneLevel()
    {
        Assert.Equal("[['a', 1], ['a', 2], ['b', 1], ['b', 2]]", Py(Loop("nested", L(L("a", "b"), L(1L, 2L)))));
        Assert.Equal("[['a', 1, 2], ['a', 3]]", Py(Loop("nested", L(L("a"), L(L(1L, 2L), 3L)))));
    }

    [Theory]
    [InlineData("start=1 end=3", "['1', '2', '3']")]
    [InlineData("count=3 start=0 stride=2 format=n%02d", "['n00', 'n02', 'n04']")]
    [InlineData("5", "['1', '2', '3', '4', '5']")]
    [InlineData("2-10/4:host%x", "['host2', 'host6', 'hosta']")]
    [InlineData("start=0x0f end=0x11 format=%04x", "['000f', '0010', '0011']")]
    [InlineData("start=5 end=1 stride=-2", "['5', '3', '1']")]
    [InlineData("count=0", "[]")]
    public void Sequence_ReadsBothForms(string term, string expected)
    {
        Assert.Equal(expected, Py(Loop("sequence", term)));
    }

    [Theory]
    [InlineData("start=1", "must specify count or end in with_sequence")]
    [InlineData("end=3 count=2", "can't specify both count and end in with_sequence")]
    [InlineData("start=5 end=1", "to count backwards make stride negative")]
    [InlineData("end=3 format=%d-%d", "bad formatting string: %d-%d")]
    [InlineData("end=07", "can't parse end=07 as integer")]
    [InlineData("end=3 step=1", "unrecognized arguments to with_sequence: ['step']")]
    public void Sequence_BadArguments_AreNamed(string term, string message)
    {
        var error = Assert.Throws<FleetInputException>(() => Loop("sequence", term));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subelements_PairsEachRecordWithEachElement_WithoutTheList()
    {
        var users = L(M(("name", "alice"), ("keys", L("k1", "k2"))), M(("name", "bob"), ("keys", L())));
        var items = Loop("subelements", L(users, "keys"));
        Assert.Equal("[({'name': 'alice'}, 'k1'), ({'name': 'alice'}, 'k2')]", Py(items));
        Assert.Equal("[{'name': 'alice', 'keys': ['k1', 'k2']}, {'name': 'bob', 'keys': []}]", Py(users));
    }

    [Fact]
    public void Subelements_NestedPath_PopsTheInnerList()
    {
        var users = L(M(("name", "a"), ("ssh", M(("keys", L("k")), ("port", 22L)))));
        Assert.Equal("[({'name': 'a', 'ssh': {'port': 22}}, 'k')]", Py(Loop("subelements", L(users, "ssh.keys"))));
    }

    [Fact]
    public void Subelements_Missing_IsAnErrorUnlessSkipMissing()
    {
        var users = L(M(("name", "a"), ("keys", L("k"))), M(("name", "b")));
        var error = Assert.Throws<FleetInputException>(() => Loop("subelements", L(users, "keys")));
        Assert.Contains("could not find 'keys' key in iterated item", error.Message, StringComparison.Ordinal);
        Assert.Equal("[({'name': 'a'}, 'k')]", Py(Loop("subelements", L(users, "keys", M(("skip_missing", true))))));
    }

    [Fact]
    public void Subelements_BadShapes_AreNamed()
    {
        Assert.Contains("expects a list of two or three items", Assert.Throws<FleetInputException>(() => Loop("subelements", L(L()))).Message, StringComparison.Ordinal);
        Assert.Contains("should point to a list", Assert.Throws<FleetInputException>(() => Loop("subelements", L(L(M(("k", "x"))), "k"))).Message, StringComparison.Ordinal);
        Assert.Contains("flags skip_missing, not 'skip'", Assert.Throws<FleetInputException>(() => Loop("subelements", L(L(), "k", M(("skip", true))))).Message, StringComparison.Ordinal);
        Assert.Empty(Loop("subelements", L(M(("skipped", true)), "k")));
    }

    [Fact]
    public void Flattened_FlattensEveryDepth_KeepsNull_StopsAtNullText()
    {
        Assert.Equal("[1, 2, 3, None, 'x', 4]", Py(Loop("community.general.flattened", L(1L, L(2L, L(3L, null)), "x", L(L(L(4L)))))));
        Assert.Equal("['a']", Py(Loop("flattened", L("a", "None", "b"))));
    }

    [Fact]
    public void RandomChoice_PicksOneOfTheTerms()
    {
        Assert.Contains(Assert.Single(Loop("random_choice", L("a", "b", "c"))), new object?[] { "a", "b", "c" });
        Assert.Empty(Loop("random_choice", L()));
    }

    [Fact]
    public void FirstFound_FilesAndPaths_TheFirstExistingAbsolute()
    {
        using var files = new TempFiles();
        var second = files.Write("files/b.yml", "b");
        files.Write("other/c.yml", "c");
        var context = new LookupContext(VariableScope.Of(), [Path.Combine(files.Dir, "files"), files.Dir]);

        Assert.Equal(L(second), Loop("first_found", L("a.yml", "b.yml"), context));
        Assert.Equal(L(Path.Combine(files.Dir, "other", "c.yml")), Loop("first_found", M(("files", "a.yml,c.yml"), ("paths", "nope:other")), context));
        Assert.Empty(Loop("first_found", M(("files", L("a.yml")), ("skip", true)), context));
        Assert.Contains("No file was found when using first_found", Assert.Throws<FleetInputException>(() => Loop("first_found", "a.yml", context)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileGlob_MatchesFilesInTheFirstDirectoryWithMatches_NotHiddenOnes()
    {
        using var files = new TempFiles();
        files.Write("files/b.conf", "");
        files.Write("files/a.conf", "");
        files.Write("files/.hidden.conf", "");
        files.Write("c.conf", "");
        Directory.CreateDirectory(Path.Combine(files.Dir, "files", "d.conf"));
        var context = new LookupContext(VariableScope.Of(new Dictionary<string, object?> { ["playbook_dir"] = files.Dir }));

        Assert.Equal(L(Path.Combine(files.Dir, "files", "a.conf"), Path.Combine(files.Dir, "files", "b.conf")), Loop("fileglob", "*.conf", context));
        Assert.Equal(L(Path.Combine(files.Dir, "c.conf")), Loop("fileglob", files.Dir + "/c.*", context));
        Assert.Empty(Loop("fileglob", "*.none", context));
    }

    [Fact]
    public void FileTemplateEnvVars_ReadTheControllerAndTheVariables()
    {
        using var files = new TempFiles();
        files.Write("files/motd", "  hello \n");
        files.Write("templates/t.j2", "x={{ x }}");
        var scope = VariableScope.Of(new Dictionary<string, object?> { ["playbook_dir"] = files.Dir, ["x"] = 1L });

        Assert.Equal("['  hello']", Py(Lookups.Run(L("file", "motd"), M(), scope, wantList: true)));
        Assert.Equal("hello", Lookups.Run(L("ansible.builtin.file", "motd"), M(("lstrip", true)), scope, wantList: false));
        Assert.Equal("x=1", Lookups.Run(L("template", "t.j2"), M(), scope, wantList: false));
        Assert.Equal("d", Lookups.Run(L("env", "FLEET_SURELY_UNSET_VARIABLE"), M(("default", "d")), scope, wantList: false));
        Assert.Equal(1L, Lookups.Run(L("vars", "x"), M(), scope, wantList: false));
        Assert.Contains("No variable found with this name: y", Assert.Throws<FleetInputException>(() => Lookups.Run(L("vars", "y"), M(), scope, wantList: false)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PipeAndLines_RunOnTheControllerInThePlaybookDirectory()
    {
        using var files = new TempFiles();
        files.Write("here", "");
        var scope = VariableScope.Of(new Dictionary<string, object?> { ["playbook_dir"] = files.Dir });

        Assert.Equal("here", Lookups.Run(L("pipe", "ls"), M(), scope, wantList: false));
        Assert.Equal("['a', 'b']", Py(Lookups.Run(L("lines", "printf 'a\\nb'"), M(), scope, wantList: true)));
        Assert.Contains("lookup_plugin.lines(false) returned 1", Assert.Throws<FleetInputException>(() => Lookups.Run(L("lines", "false"), M(), scope, wantList: true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lookup_NotAWantList_JoinsTextOrGivesTheOneValue()
    {
        var scope = VariableScope.Of();
        Assert.Equal("a,b", Lookups.Run(L("items", L("a", "b")), M(), scope, wantList: false));
        Assert.Equal("[1, 2]", Py(Lookups.Run(L("items", L(1L, 2L)), M(), scope, wantList: false)));
        Assert.Equal("{'key': 'a', 'value': 1}", Py(Lookups.Run(L("dict", M(("a", 1L))), M(), scope, wantList: false)));
        Assert.Equal("", Lookups.Run(L("items", L()), M(), scope, wantList: false));
    }

    [Fact]
    public void Lookup_ErrorsIgnoreOrWarn_GivesNothing_StrictRaises()
    {
        var scope = VariableScope.Of();
        Assert.Null(Lookups.Run(L("file", "/nonexistent/x"), M(("errors", "ignore")), scope, wantList: false));
        Assert.Equal("[]", Py(Lookups.Run(L("file", "/nonexistent/x"), M(("errors", "warn")), scope, wantList: true)));
        Assert.Throws<FleetInputException>(() => Lookups.Run(L("file", "/nonexistent/x"), M(("errors", "strict")), scope, wantList: false));
        Assert.Contains("strict, warn or ignore, not 'loud'", Assert.Throws<FleetInputException>(() => Lookups.Run(L("file", "x"), M(("errors", "loud")), scope, wantList: false)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_InATemplate_ReachesTheSamePlugins()
    {
        var scope = VariableScope.Of(new Dictionary<string, object?> { ["users"] = L(M(("n", "a"), ("k", L(1L, 2L)))) });
        Assert.Equal("[({'n': 'a'}, 1), ({'n': 'a'}, 2)]", Py(Template.Render("{{ query('subelements', users, 'k') }}", scope, default)));
        Assert.Equal("[1, 2, 3]", Py(Template.Render("{{ q('community.general.flattened', [1, [2, [3]]]) }}", scope, default)));
        Assert.Equal("['1', '2']", Py(Template.Render("{{ lookup('sequence', 'count=2', wantlist=True) }}", scope, default)));
    }

    [Fact]
    public void Loops_WithUnknownShape_IsLocatedAtTheLoop()
    {
        var at = new SourceLocation("pb.yml", 7, 7);
        var error = Assert.Throws<FleetInputException>(() => Loops.Items(new LoopSpec("dict", "{{ [1] }}", "item", null, null, at), VariableScope.Of(), []));
        Assert.StartsWith("pb.yml:7:7: with_dict expects a dict", error.Errors[0].ToString(), StringComparison.Ordinal);
        var loop = Assert.Throws<FleetInputException>(() => Loops.Items(new LoopSpec("loop", "x", "item", null, null, at), VariableScope.Of(), []));
        Assert.Equal("pb.yml:7:7: loop takes a list, not 'x'", loop.Errors[0].ToString());
    }

    [Fact]
    public void Loops_FirstFound_UndefinedName_PassedOverInAList_NothingFoundInAMapping()
    {
        using var files = new TempFiles();
        var found = files.Write("files/b.yml", "b");
        var spec = L("{{ nope }}.yml", "{{ name }}.yml");
        var scope = VariableScope.Of(new Dictionary<string, object?> { ["name"] = "b" });

        var items = Loops.Items(new LoopSpec("first_found", spec, "item", null, null, new SourceLocation("pb.yml", 1, 1)), scope, [Path.Combine(files.Dir, "files")]);

        Assert.Equal(L(found), items);
        var mapping = L(M(("files", L("{{ nope }}.yml", "{{ name }}.yml")), ("skip", true)));
        var error = Assert.Throws<FleetInputException>(() => Loops.Items(new LoopSpec("first_found", mapping, "item", null, null, new SourceLocation("pb.yml", 1, 1)), scope, [Path.Combine(files.Dir, "files")]));
        Assert.StartsWith("pb.yml:1:1: No file was found when using first_found", error.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Loops_WithFqcnName_AsksTheRegistry()
    {
        var at = new SourceLocation("pb.yml", 1, 1);
        var items = Loops.Items(new LoopSpec("community.general.flattened", new List<object?> { "a", new List<object?> { "b" } }, "item", null, null, at), VariableScope.Of(), []);
        Assert.Equal("['a', 'b']", Py(items));
    }

    [Fact]
    public void Varnames_FindsDefinedNamesBySearch_EmptyWhenNone()
    {
        // dev-sec's "Set OS dependent variables, if not already defined by user": when: not lookup('varnames', '^' + key + '$').
        var scope = VariableScope.Of(M(("os_auth_retries", 5L), ("os_auth_lockout_time", 600L)), M(("sshd_path", "/usr/sbin/sshd")));

        Assert.Equal("os_auth_retries", Template.Render("{{ lookup('varnames', '^os_auth_retries$') }}", scope, default));
        Assert.Equal("['os_auth_retries', 'os_auth_lockout_time']", Py(Template.Render("{{ query('varnames', '^os_auth') }}", scope, default)));
        Assert.Equal("True", Py(Template.Render("{{ not lookup('varnames', '^os_auth$') }}", scope, default)));

        // A name with a character regular expressions read specially is searched as a pattern, not looked up as a name.
        Assert.Equal("['os_auth_retries']", Py(Template.Render("{{ query('varnames', '^os.auth_retries$') }}", scope, default)));
        Assert.Equal("['sshd_path']", Py(Template.Render("{{ query('varnames', '^sshd_path$', '^missing$') }}", scope, default)));
    }
}
