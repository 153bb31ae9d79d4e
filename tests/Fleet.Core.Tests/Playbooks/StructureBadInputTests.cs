using System.Text.RegularExpressions;
using Fleet.Core.Inputs;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// Bad files, plays, roles, includes, loops and lookups (issue 22): each is refused through the entry point of <c>fleet validate</c>
/// as a located <see cref="FleetInputException"/> in Fleet's own words, within a time bound, never passed silently.
/// </summary>
public sealed partial class StructureBadInputTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string Inventory = "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n";

    /// <summary>One bad input: the files written (besides the inventory) and what the error must say where.</summary>
    /// <param name="Files">File name → text; a FIFO for <c>FIFO</c>, a directory for <c>DIR</c>, a symbolic link for <c>LINK:target</c>. The playbook is <c>pb.yml</c>.</param>
    /// <param name="At">Where the error must point: a <c>file:line:column</c> prefix relative to the test directory.</param>
    public sealed record Case(string Name, Dictionary<string, string> Files, string Message, string At);

    private static Case Play(string name, string playbook, string message, string at, params (string Name, string Text)[] files) =>
        new(name, files.Append((Name: "pb.yml", Text: playbook)).ToDictionary(f => f.Name, f => f.Text), message, at);

    private static Case Task(string name, string task, string message, string at, params (string Name, string Text)[] files) =>
        Play(name, "- hosts: all\n  vars: { known: 1 }\n  tasks:\n    - " + task + "\n", message, at, files);

    private static readonly Dictionary<string, Case> CasesByName = new Case[]
    {
        // every file read goes through the input-file rules
        Task("lookup file of /dev/zero", "command: \"echo {{ lookup('file', '/dev/zero') }}\"", "file of lookup('file') is not a regular file", "pb.yml:4:16"),
        Task("lookup file of a FIFO", "command: \"echo {{ lookup('file', '@DIR@/files/fifo') }}\"", "file of lookup('file') is not a regular file", "pb.yml:4:16", ("files/fifo", "FIFO")),
        Task("lookup file of /proc/self/pagemap", "command: \"echo {{ lookup('file', '/proc/self/pagemap') }}\"", "file of lookup('file') cannot be read: /proc/self/pagemap", "pb.yml:4:16"),
        Task("lookup file of a dangling link", "command: \"echo {{ lookup('file', '@DIR@/files/dang') }}\"", "symbolic link that leads nowhere", "pb.yml:4:16", ("files/dang", "LINK:nowhere")),
        Task("template src a FIFO", "template: { src: t.j2, dest: /tmp/t }", "src: not a regular file on the controller", "pb.yml:4:24", ("templates/t.j2", "FIFO")),
        Task("copy src a dangling link", "copy: { src: dang, dest: /tmp/t }", "src: a symbolic link that leads nowhere", "pb.yml:4:20", ("files/dang", "LINK:nowhere")),
        Task("copy src a looping link", "copy: { src: a, dest: /tmp/t }", "src: a symbolic link that leads nowhere", "pb.yml:4:20", ("files/a", "LINK:b"), ("files/b", "LINK:a")),

        // template sources are parsed at validation
        Task("template syntax error", "template: { src: t.j2, dest: /tmp/t }", "template syntax error", "templates/t.j2:2:", ("templates/t.j2", "ok\n{% if %}\n")),
        Task("template unknown filter", "template: { src: t.j2, dest: /tmp/t }", "unknown filter 'nosuch'", "templates/t.j2:3:", ("templates/t.j2", "a\nb\n{{ known | nosuch }}\n")),
        Task("template includes itself", "template: { src: t.j2, dest: /tmp/t }", "template includes itself: t.j2 → t.j2", "templates/t.j2:2:", ("templates/t.j2", "a\n{% include 't.j2' %}\n")),
        Task("templates include each other", "template: { src: t.j2, dest: /tmp/t }", "template includes itself: t.j2 → u.j2 → t.j2", "templates/u.j2:1:", ("templates/t.j2", "{% include 'u.j2' %}\n"), ("templates/u.j2", "{% include 't.j2' %}\n")),
        Task("template included has a syntax error", "template: { src: t.j2, dest: /tmp/t }", "template syntax error", "templates/u.j2:1:", ("templates/t.j2", "{% include 'u.j2' %}\n"), ("templates/u.j2", "{{ a\n")),
        Task("template undefined variable", "template: { src: t.j2, dest: /tmp/t }", "undefined variable 'nosuch' in the template of the task at", "templates/t.j2:2:", ("templates/t.j2", "{{ known }}\n{{ nosuch }}\n")),

        // what cannot work is refused at its place
        Task("import_tasks unknown parameter", "import_tasks: { file: t.yml, bogus: 1 }", "import_tasks: unknown parameter 'bogus'", "pb.yml:4:", ("t.yml", "- debug: msg=t\n")),
        Task("include_tasks unknown parameter", "include_tasks: { file: t.yml, bogus: 1 }", "include_tasks: unknown parameter 'bogus'", "pb.yml:4:", ("t.yml", "- debug: msg=t\n")),
        Task("import_role unknown parameter", "import_role: { name: r, bogus: 1 }", "import_role: unknown parameter 'bogus'", "pb.yml:4:", ("roles/r/tasks/main.yml", "- debug: msg=r\n")),
        Task("include_role unknown parameter", "include_role: { name: r, tasks_frm: x }", "include_role: unknown parameter 'tasks_frm' (did you mean 'tasks_from'?)", "pb.yml:4:", ("roles/r/tasks/main.yml", "- debug: msg=r\n")),
        Task("include_role public true", "include_role: { name: r, public: true }", "include_role: public: true is not implemented by Fleet", "pb.yml:4:", ("roles/r/tasks/main.yml", "- debug: msg=r\n")),
        Task("import_role rolespec_validate false", "import_role: { name: r, rolespec_validate: false }", "import_role: rolespec_validate: false is not implemented by Fleet", "pb.yml:4:", ("roles/r/tasks/main.yml", "- debug: msg=r\n")),
        Task("loop over a number", "debug: { msg: x }\n      loop: 5", "loop requires a list, got", "pb.yml:5:7"),
        Task("loop over a mapping", "debug: { msg: x }\n      loop: { a: 1 }", "loop requires a list, got a mapping", "pb.yml:5:7"),
        Task("with_dict over a list", "debug: { msg: x }\n      with_dict: [1, 2]", "with_dict expects a dict", "pb.yml:5:7"),
        Task("with_sequence bad end", "debug: { msg: x }\n      with_sequence: start=1 end=bad", "with_sequence: ", "pb.yml:5:7"),
        Task("include_vars of a missing file", "include_vars: nosuch.yml", "include_vars: file not found: nosuch.yml", "pb.yml:4:21"),
        Task("include_vars of a device", "include_vars: /dev/zero", "not a regular file", "pb.yml:4:21"),
        Task("include_vars of a directory", "include_vars: v.yml", "is a directory", "pb.yml:4:21", ("v.yml", "DIR")),
        Play("role dependency cycle through play roles", "- hosts: all\n  roles: [a]\n", "role dependency cycle: a → b → a", "roles/b/meta/main.yml:1:",
            ("roles/a/meta/main.yml", "dependencies: [b]\n"), ("roles/b/meta/main.yml", "dependencies: [a]\n"), ("roles/a/tasks/main.yml", "- debug: msg=a\n")),
        Play("role tasks/main.yml a directory", "- hosts: all\n  roles: [a]\n", "is a directory", "pb.yml:2:", ("roles/a/tasks/main.yml", "DIR")),
        Task("include_role handlers_from missing", "include_role: { name: r, handlers_from: nosuch }", "handlers file 'nosuch' not found", "pb.yml:4:", ("roles/r/tasks/main.yml", "- debug: msg=r\n")),
        Play("role meta file a FIFO", "- hosts: all\n  roles: [a]\n", "not a regular file", "roles/a/meta/main.yml:1:1", ("roles/a/meta/main.yml", "FIFO"), ("roles/a/tasks/main.yml", "- debug: msg=a\n")),
        Task("NUL in import_tasks", "import_tasks: \"t\\0.yml\"", "task file not found", "pb.yml:4:"),
        Task("NUL in include_tasks", "include_tasks: \"t\\0.yml\"", "task file not found", "pb.yml:4:"),
        Task("NUL in import_role", "import_role: { name: \"r\\0\" }", "not found", "pb.yml:4:"),
        Task("NUL in include_vars", "include_vars: \"v\\0.yml\"", "include_vars: file not found", "pb.yml:4:"),
        Play("NUL in vars_files", "- hosts: all\n  vars_files: [\"v\\0.yml\"]\n  tasks: []\n", "vars file not found", "pb.yml:2:"),
        Play("NUL in a role name", "- hosts: all\n  roles: [\"r\\0\"]\n", "not found", "pb.yml:2:"),
        Play("NUL in import_playbook", "- import_playbook: \"p\\0.yml\"\n", "not found", "pb.yml:1:"),
        Task("import cycle through a linked directory", "import_tasks: t.yml", "import cycle: t.yml → t.yml", "t.yml:1:", ("t.yml", "- import_tasks: sub/t.yml\n"), ("sub", "LINK:.")),
        Task("unguarded recursive include_tasks", "include_tasks: t.yml", "import cycle: t.yml → t.yml", "t.yml:1:", ("t.yml", "- include_tasks: t.yml\n")),
        Task("include_role with an undefined name", "include_role: { name: \"{{ nosuch }}\" }", "undefined variable 'nosuch'", "pb.yml:4:"),
        Task("include_tasks with an undefined file", "include_tasks: \"{{ nosuch }}.yml\"", "undefined variable 'nosuch'", "pb.yml:4:"),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Cases => new(CasesByName.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_BadStructure_IsOneLocatedInputError(string name)
    {
        var input = CasesByName[name];
        Write(input.Files);

        var error = await BadInputTests.BoundedAsync(() => Validate());

        var match = error.Errors.FirstOrDefault(e => e.Message.Contains(input.Message, StringComparison.Ordinal));
        Assert.True(match is not null, $"no error says '{input.Message}':\n{error.Message}");
        Assert.True(match.ToString().StartsWith(Path.Combine(_files.Dir, input.At), StringComparison.Ordinal), $"not at {input.At}: {match}");
        Assert.DoesNotMatch(DotNetText(), error.Message);
    }

    [Fact]
    public void Validate_GuardedUndefinedInTemplate_IsWarningOnly()
    {
        Write(new()
        {
            ["templates/t.j2"] = "{% if y is defined %}{{ y }}{% endif %}\n{% if known %}{{ later }}{% endif %}\n{{ under_when }}\n{{ ansible_managed }}\n",
            ["pb.yml"] = "- hosts: all\n  vars: { known: 1 }\n  tasks:\n    - template: { src: t.j2, dest: /tmp/t }\n      when: known == 1\n",
        });

        var inputs = Validate();

        Assert.Equal(
            ["later", "under_when"],
            inputs.Warnings.Select(w => Regex.Match(w.Message, "undefined variable '([^']+)'").Groups[1].Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_GuardedSelfInclude_IsAccepted()
    {
        Write(new()
        {
            ["templates/t.j2"] = "{% if depth | default(0) < 3 %}{% set depth = depth | default(0) + 1 %}{% include 't.j2' %}{% endif %}\n",
            ["pb.yml"] = "- hosts: all\n  tasks:\n    - template: { src: t.j2, dest: /tmp/t }\n",
        });

        Assert.Empty(Validate().Warnings);
    }

    [Theory]
    [InlineData("post_tasks: ~")]
    [InlineData("post_tasks:")]
    [InlineData("tasks: null")]
    public void Validate_NullTaskList_IsNoTasks(string section)
    {
        Write(new() { ["pb.yml"] = $"- hosts: all\n  {section}\n" });

        Assert.Empty(Validate().Playbooks.Single().Plays.Single().Tasks);
    }

    [Fact]
    public void Validate_GuardedRecursiveIncludeTasks_IsAcceptedAndEndsAtTheDepthLimit()
    {
        Write(new()
        {
            ["t.yml"] = "- debug: msg=again\n- include_tasks: t.yml\n  when: false\n",
            ["pb.yml"] = "- hosts: all\n  tasks:\n    - include_tasks: t.yml\n",
        });
        var options = Options();
        var play = RunInputs.Load(options).Playbooks.Single().Plays.Single();
        var include = play.Tasks.Single();

        var nested = PlaybookLoader.LoadIncludedTasks(include, "t.yml", play, options.Catalog)[1];
        var deepest = nested with { Keywords = nested.Keywords with { IncludeDepth = PlaybookLoader.MaxIncludeDepth } };
        var error = Assert.Throws<FleetInputException>(() => PlaybookLoader.LoadIncludedTasks(deepest, "t.yml", play, options.Catalog));

        Assert.Equal(1, nested.Keywords.IncludeDepth);
        Assert.Null(nested.Keywords.Preloaded); // read when it runs, as Ansible reads a recursive include
        Assert.StartsWith(Path.Combine(_files.Dir, "t.yml:2:3: include_tasks nested more than 64 deep"), error.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SelfReferenceInARequiredParameter_IsNotAlsoMissing()
    {
        Write(new() { ["pb.yml"] = "- hosts: all\n  vars: { x: \"{{ x }}\" }\n  tasks:\n    - file: { path: \"{{ x }}\" }\n" });

        var error = await BadInputTests.BoundedAsync(() => Validate());

        Assert.Contains("variable 'x' refers to itself", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ImportsThatFanOut_StopAtTheFileBudget()
    {
        var files = Enumerable.Range(0, 16).ToDictionary(i => $"f{i}.yml", i => i == 15 ? "- debug: msg=leaf\n" : $"- import_tasks: f{i + 1}.yml\n- import_tasks: f{i + 1}.yml\n");
        files["pb.yml"] = "- hosts: all\n  tasks:\n    - import_tasks: f0.yml\n";
        Write(files);

        var error = await BadInputTests.BoundedAsync(() => Validate());

        Assert.Contains($"more than {LoadContext.MaxTaskFiles} task files imported", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    private void Write(Dictionary<string, string> files)
    {
        foreach (var (file, text) in files.Append(new("inv.yml", Inventory)))
        {
            var path = Path.Combine(_files.Dir, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (text)
            {
                case "FIFO":
                    BadInputTests.MakeFifo(path);
                    break;
                case "DIR":
                    Directory.CreateDirectory(path);
                    break;
                case var link when link.StartsWith("LINK:", StringComparison.Ordinal):
                    File.CreateSymbolicLink(path, link["LINK:".Length..]);
                    break;
                default:
                    File.WriteAllText(path, text.Replace("@DIR@", _files.Dir, StringComparison.Ordinal));
                    break;
            }
        }
    }

    /// <summary>What <c>fleet validate -i inv.yml pb.yml</c> reads and checks.</summary>
    private RunInputs Validate() => RunInputs.Load(Options());

    private RunInputsOptions Options() => new()
    {
        Inventory = Path.Combine(_files.Dir, "inv.yml"), Playbooks = [Path.Combine(_files.Dir, "pb.yml")], CheckTargets = false,
    };

    /// <summary>Text only .NET writes: a namespace-qualified type, an exception name, a stack frame.</summary>
    [GeneratedRegex(@"System\.|Exception\b|\bat Fleet\.|   at ")]
    private static partial Regex DotNetText();

    public void Dispose() => _files.Dispose();
}
