// One grammar of a project (playbook, roles, includes, vars files, inventory, odd files): its productions share the case's state.
using System.Text;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>
/// Random projects: plays with valid, invalid and null keywords, blocks, roles with defaults/vars/meta dependencies (cycles too),
/// imports and includes of tasks and roles (self-includes, guarded recursion, exponential fan-out), loops of every shape,
/// include_vars and lookups of odd files, symlinks, control characters in names, with Jinja from <see cref="JinjaGrammar"/> in
/// every place a template goes (parameters, <c>when</c>, <c>loop</c>, vars, inventory <c>ansible_host</c>/<c>ansible_port</c>,
/// template sources, <c>-e</c>).
/// </summary>
public sealed class ProjectGrammar
{
    private static readonly string[] Variables = ["v0", "v1", "v2", "v3"];

    // Regular files every case holds, which plain (not hostile) productions may name.
    private static readonly string[] PlainFiles = ["files/plain.txt", "templates/plain.j2", "vars/plain.yml"];

    private static readonly string[] PlayKeywords = ["name", "hosts", "gather_facts", "become", "become_user", "serial", "strategy", "tags", "any_errors_fatal", "max_fail_percentage", "ignore_errors", "check_mode", "diff", "environment", "no_log", "order", "run_once", "throttle", "vars_prompt", "module_defaults", "collections", "force_handlers", "port", "remote_user", "connection", "timeout", "bogus_keyword", "task", "role"];

    private static readonly string[] TaskKeywords = ["name", "when", "tags", "register", "ignore_errors", "changed_when", "failed_when", "become", "delegate_to", "run_once", "no_log", "until", "retries", "delay", "notify", "environment", "vars", "args", "check_mode", "diff", "loop_control", "async", "poll", "throttle", "timeout", "bogus_keyword", "local_action", "action"];

    private readonly Draw _draw;

    private readonly JinjaGrammar _jinja;

    private readonly ProjectFiles _files = new();

    private readonly Hazard? _focus;

    private int _taskFiles;

    // The directory of the task file being drawn: includes name files relative to it, as Ansible resolves them.
    private string _here = "";

    private int _roles;

    private ProjectGrammar(int seed, int number)
    {
        _draw = new Draw(seed, number);
        var hazards = Enum.GetValues<Hazard>();
        // Half the cases are plain random input; each other one focuses on one hazard, so a failure names its class.
        _focus = number % 2 == 1 ? hazards[(number / 2) % hazards.Length] : null;
        var files = PlainFiles.Where(f => !f.StartsWith("vars/", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)).ToList();
        _jinja = new JinjaGrammar(_draw, Variables, files) { Focus = _focus, Round = number / (2 * hazards.Length), Hostility = 0.3, Tame = _focus is not null, WildTemplates = _focus is Hazard.TemplateSource };
    }

    /// <summary>
    /// Case <paramref name="number"/> of run <paramref name="seed"/>: even cases are plain random input; odd ones take each
    /// <see cref="Hazard"/> in turn and draw its hostile shapes among simple valid input, so that they are reached.
    /// </summary>
    public static FuzzCase Generate(int seed, int number) => new ProjectGrammar(seed, number).Build(seed, number);

    private FuzzCase Build(int seed, int number)
    {
        _files.Text("files/plain.txt", "plain text\n");
        _files.Text("templates/plain.j2", "{{ inventory_hostname }}\n");
        _files.Text("vars/plain.yml", "plain_var: 1\n");
        if (_focus is not null)
        {
            OddFiles();
        }

        _files.Text(FuzzCase.Inventory, YamlText.Write(Inventory()));
        var command = _draw.Chance(0.2) ? FuzzCommand.Inventory : FuzzCommand.Validate;
        if (command == FuzzCommand.Validate)
        {
            var plays = Enumerable.Range(0, _draw.Next(1, 3)).Select(_ => (object?)Play()).ToList();
            _files.Text(FuzzCase.Playbook, YamlText.Write(plays));
        }

        // fleet inventory has no -e (its variables come from the inventory alone): only validate gets extra variables.
        var extraVars = command == FuzzCommand.Validate && _draw.Chance(Tame ? 0.3 : 0.15) ? new[] { ExtraVar() } : [];
        return new FuzzCase(seed, number, command, _files, extraVars, _draw.Hazards.ToHashSet(), _draw.MustFail && command == FuzzCommand.Validate);
    }

    /// <summary><paramref name="path"/> (relative to the case directory) as the task file being drawn names it.</summary>
    private string Relative(string path) => Path.GetRelativePath("/case/" + _here, "/case/" + path);

    private T Within<T>(string dir, Func<T> draw)
    {
        var outer = _here;
        _here = dir;
        try
        {
            return draw();
        }
        finally
        {
            _here = outer;
        }
    }

    private object? Marked(Hazard hazard, object? value)
    {
        _draw.Mark(hazard, "");
        return value;
    }

    /// <summary>True, at about one choice point in <paramref name="every"/>, when the case focuses on <paramref name="hazard"/>.</summary>
    private bool Hostile(Hazard hazard, int every = 2) => _focus == hazard && _draw.Next(0, every) == 0;

    /// <summary>True when plain productions draw only simple valid input (see <see cref="JinjaGrammar.Tame"/>).</summary>
    private bool Tame => _jinja.Tame;

    /// <summary>The files hostile productions name: a FIFO, a directory, binary data, dangling and looping links, a self-lookup.</summary>
    private void OddFiles()
    {
        foreach (var dir in new[] { "", "files/", "templates/" })
        {
            _files.Fifo(dir + "fifo");
            _files.Directory(dir + "dir");
            _files.Bytes(dir + "binary.bin", "\u007fELF\u0002\u0001\u0001\0\0\0\u00ff\u00fe\n\0{{\0");
            _files.Symlink(dir + "dangling", "nowhere/at/all");
            _files.Symlink(dir + "loop", "loop");
            _files.Symlink(dir + "zero", "/dev/zero");
            _files.Sparse(dir + "big.bin", 400L * 1024 * 1024);
            _files.Text(dir + "self.j2", "{{ lookup('template', 'self.j2') }}");
            _files.Text(dir + "ping.j2", "{{ lookup('template', 'pong.j2') }}");
            _files.Text(dir + "pong.j2", "{{ lookup('template', 'ping.j2') }}");
            _files.Text(dir + "shadow.yml", "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
        }
    }

    private string Value() => _draw.Next(0, 5) switch
    {
        0 => _draw.Pick("x", "", "1", "yes", "a b"),
        _ => _jinja.Value(),
    };

    private string Name()
    {
        if (Hostile(Hazard.ControlCharacters))
        {
            return _draw.Mark(Hazard.ControlCharacters, _draw.Pick("a\0b", "\u001b[31mred\u001b[0m", "bell\u0007", "cr\rlf", "del\u007f", "\u009b2J"));
        }

        return Tame ? "task" : _draw.Pick("task", "", "a name with {{ v0 }}", "ü", "x:y", "{{ undefined_name }}");
    }

    private Dictionary<string, object?> Inventory()
    {
        var hosts = new Dictionary<string, object?>();
        for (var i = 0; i < _draw.Next(1, 3); i++)
        {
            var vars = new Dictionary<string, object?>();
            if (_draw.Chance(0.5))
            {
                vars["ansible_host"] = _draw.Chance(0.5) ? "10.0.0." + (i + 1) : Tame ? _draw.Pick("{{ '10.0.0.9' }}", "h" + i + ".example") : _jinja.Value();
            }

            if (_draw.Chance(0.3))
            {
                vars["ansible_port"] = Tame ? _draw.Pick<object>(22L, "{{ 2200 + 22 }}") : _draw.Chance(0.5) ? _draw.Pick<object>(22L, 2222L, 0L, -1L, 65536L, 99999999999L) : _jinja.Value();
            }

            if (Hostile(Hazard.IntegerOverflow))
            {
                vars["ansible_port"] = _draw.Mark(Hazard.IntegerOverflow, _draw.Pick("{{ 9223372036854775807 + 1 }}", "{{ 2 ** 64 }}", "{{ 99999999999999999999 }}", "{{ (-9223372036854775808) // -1 }}"));
            }

            if (Hostile(Hazard.RecursiveMacro))
            {
                vars["ansible_host"] = _draw.Mark(Hazard.RecursiveMacro, "{% macro h() %}{{ h() }}{% endmacro %}{{ h() }}");
            }

            foreach (var v in Variables.Where(_ => _draw.Chance(0.3)))
            {
                vars[v] = Value();
            }

            hosts["h" + i + (Hostile(Hazard.ControlCharacters) ? _draw.Mark(Hazard.ControlCharacters, "\u001b[2J") : "")] = vars;
        }

        var all = new Dictionary<string, object?> { ["hosts"] = hosts };
        if (_draw.Chance(0.3))
        {
            all["vars"] = new Dictionary<string, object?> { ["v0"] = Value(), ["ansible_user"] = Tame ? "deploy" : Value() };
        }

        if (_draw.Chance(0.2))
        {
            all["children"] = new Dictionary<string, object?> { ["web"] = new Dictionary<string, object?> { ["hosts"] = new Dictionary<string, object?> { ["h0"] = null } } };
        }

        return new Dictionary<string, object?> { ["all"] = all };
    }

    private Dictionary<string, object?> Play()
    {
        var play = new Dictionary<string, object?>
        {
            ["hosts"] = Tame || _draw.Chance(0.9) ? "all" : _draw.Pick<object?>(null, "", "nosuch", "{{ v0 }}", "h0:!h1", 5L),
            ["gather_facts"] = Tame || _draw.Chance(0.8) ? false : _draw.Pick<object?>(true, null, "maybe"),
        };
        if (_draw.Chance(0.5))
        {
            play["name"] = Name();
        }

        if (_focus is Hazard.VariableChain or Hazard.HugeValue || _draw.Chance(0.5))
        {
            play["vars"] = PlayVars();
        }

        if (_draw.Chance(0.2))
        {
            play["vars_files"] = new List<object?> { VarsFile() };
        }

        foreach (var keyword in Enumerable.Range(0, Tame || _draw.Chance(0.7) ? 0 : 1).Select(_ => _draw.Pick(PlayKeywords)))
        {
            play[keyword] = _draw.Pick<object?>(null, "", "yes", 1L, "{{ v0 }}", new List<object?>(), new Dictionary<string, object?>());
        }

        if (_focus is Hazard.RoleCycle || _draw.Chance(0.3))
        {
            play["roles"] = Enumerable.Range(0, _draw.Next(1, 3)).Select(_ => RoleReference()).ToList();
        }

        // A tame case draws no handlers (drawing "tasks" twice threw away the first list, and the hazards marked in it).
        foreach (var section in Tame ? ["pre_tasks", "tasks", "post_tasks"] : new[] { "pre_tasks", "tasks", "post_tasks", "handlers" })
        {
            if (section == "tasks" || _draw.Chance(0.15))
            {
                play[section] = Hostile(Hazard.Keywords, 4) ? Marked(Hazard.Keywords, _draw.Pick<object?>(null, "", 5L, new Dictionary<string, object?>())) : Tasks(0);
            }
        }

        return play;
    }

    private Dictionary<string, object?> PlayVars()
    {
        var vars = Variables.Where(_ => _draw.Chance(0.6)).ToDictionary(v => v, object? (_) => Value());
        if (Hostile(Hazard.VariableChain, 3))
        {
            // An acyclic chain: v0 is the last of many, each the next one plus one.
            var length = _draw.Pick(1_000, 100_000);
            _draw.Mark(Hazard.VariableChain, "");
            for (var i = 0; i < length; i++)
            {
                vars["c" + i] = i + 1 < length ? $"{{{{ c{i + 1} }}}}" : "end";
            }

            vars["v0"] = "{{ c0 }}";
        }
        else if (Hostile(Hazard.VariableChain, 3) || Hostile(Hazard.HugeValue, 4))
        {
            _draw.Mark(Hazard.VariableChain, "");
            _draw.Mark(Hazard.HugeValue, "");
            vars["d0"] = "ab";
            for (var i = 1; i <= 40; i++)
            {
                vars["d" + i] = _draw.Chance(0.5) ? $"{{{{ d{i - 1} ~ d{i - 1} }}}}" : $"{{{{ [d{i - 1}, d{i - 1}] }}}}";
            }

            vars["v0"] = "{{ d40 | length }}";
        }
        else if (Hostile(Hazard.VariableChain, 3))
        {
            vars["v0"] = _draw.Mark(Hazard.VariableChain, "{{ v1 }}");
            vars["v1"] = "{{ v0 }}";
        }

        return vars;
    }

    private string VarsFile()
    {
        if (Hostile(Hazard.OddFile))
        {
            return _draw.Refused(Hazard.OddFile, _draw.Pick("missing.yml", "big.bin", "dir", "fifo", "/dev/zero", "binary.bin", "dangling", "loop", "shadow.yml", "/etc/shadow", "/proc/self/pagemap", "a\0b.yml"));
        }

        var path = $"vars/v{_taskFiles++}.yml";
        _files.Text(path, YamlText.Write(PlayVars()));
        return path;
    }

    private List<object?> Tasks(int depth)
    {
        var count = _draw.Next(depth == 0 ? 1 : 0, 4);
        return Enumerable.Range(0, count).Select(_ => (object?)Task(depth)).ToList();
    }

    private Dictionary<string, object?> Task(int depth)
    {
        var task = new Dictionary<string, object?>();
        if (_draw.Chance(0.6))
        {
            task["name"] = Name();
        }

        var kind = depth >= 3 ? _draw.Next(0, 6) : _draw.Next(0, 12);
        kind = Tame && kind == 5 ? 0 : kind;
        if (depth < 3 && _draw.Chance(0.5))
        {
            // A focused case leans to the tasks where its hazard is written.
            kind = _focus switch
            {
                Hazard.LoopShape => 11,
                Hazard.IncludeRecursion => 7,
                Hazard.RoleCycle => 9,
                Hazard.OddFile => _draw.Pick(4, 10),
                Hazard.TemplateSource or Hazard.LookupSelfReference => 4,
                _ => kind,
            };
        }

        switch (kind)
        {
            case 0:
                task["debug"] = new Dictionary<string, object?> { [Tame ? "msg" : _draw.Pick("msg", "var", "verbosity", "bogus")] = Value() };
                break;
            case 1:
                task["set_fact"] = new Dictionary<string, object?> { [_draw.Pick(Variables)] = Value(), [!Tame && _draw.Chance(0.1) ? "bad name" : "sf"] = Value() };
                break;
            case 2:
                task["assert"] = new Dictionary<string, object?> { ["that"] = new List<object?> { _jinja.Expression(0) }, ["fail_msg"] = Value() };
                break;
            case 3:
                task["command"] = "echo " + Value();
                break;
            case 4:
                task["template"] = new Dictionary<string, object?> { ["src"] = TemplateSource(), ["dest"] = "/tmp/fuzz-" + _draw.Next(0, 9) };
                break;
            case 5:
                task[_draw.Pick("copy", "file", "lineinfile", "fail", "pause", "meta")] = _draw.Pick<object?>(
                    new Dictionary<string, object?> { ["content"] = Value(), ["dest"] = "/tmp/x" },
                    new Dictionary<string, object?> { ["path"] = Value(), ["state"] = _draw.Pick("touch", "absent", "bogus") },
                    new Dictionary<string, object?> { ["msg"] = Value() },
                    Value());
                break;
            case 6:
                task["block"] = Tasks(depth + 1);
                if (_draw.Chance(0.4))
                {
                    task["rescue"] = Tasks(depth + 1);
                }

                if (_draw.Chance(0.3))
                {
                    task["always"] = Tame || _draw.Chance(0.9) ? Tasks(depth + 1) : null;
                }

                break;
            case 7:
            case 8:
                Include(task, depth);
                break;
            case 9:
                task[_draw.Pick("import_role", "include_role")] = RoleInclude();
                break;
            case 10:
                task["include_vars"] = _focus == Hazard.OddFile ? VarsFile() : _draw.Pick<object?>(Relative("vars/plain.yml"), new Dictionary<string, object?> { ["file"] = Relative("vars/plain.yml"), ["name"] = "iv" }, new Dictionary<string, object?> { ["dir"] = Relative("vars") });
                break;
            default:
                task["debug"] = new Dictionary<string, object?> { ["msg"] = Value() };
                Loop(task);
                break;
        }

        TaskKeywordsOn(task);
        return task;
    }

    private void TaskKeywordsOn(Dictionary<string, object?> task)
    {
        if (_draw.Chance(0.3))
        {
            task["when"] = _draw.Chance(0.8) ? _jinja.Expression(0) : _draw.Pick<object?>(null, true, new List<object?> { _jinja.Expression(0), "v0 is defined" }, "{{ v0 }}");
        }

        if (!Tame && _draw.Chance(0.15))
        {
            var keyword = _draw.Pick(TaskKeywords);
            task[keyword] = _draw.Pick<object?>(null, "", Value(), 3L, new List<object?> { Value() }, new Dictionary<string, object?> { ["loop_var"] = "i", ["label"] = Value() });
        }
    }

    private void Loop(Dictionary<string, object?> task)
    {
        if (_focus == Hazard.LoopShape)
        {
            var (keyword, value) = _draw.Pick<(string, object?)>(
                ("loop", 5L), ("loop", new Dictionary<string, object?> { ["a"] = 1L }), ("with_dict", new List<object?> { 1L, 2L }), ("with_sequence", "bogus"),
                ("with_sequence", "start=1 end=9223372036854775807"), ("with_sequence", "count=-1"), ("with_subelements", "x"), ("with_nested", 5L),
                ("with_items", new Dictionary<string, object?> { ["a"] = 1L }), ("loop", "{{ 5 }}"), ("with_first_found", new List<object?> { "fifo", "dir" }),
                ("with_file", new List<object?> { "/dev/zero" }), ("with_lines", "cat /dev/zero"), ("loop", null), ("with_bogus", new List<object?> { 1L }));
            task[keyword] = value;
            // These shapes are wrong whatever the variables hold: validation must refuse them where they are written.
            // with_items of a mapping works in Ansible (it iterates the keys), loop of one does not.
            var statically = keyword is "with_bogus" || value is long || (keyword, value) is ("loop", IDictionary<string, object?>) || (keyword, value) is ("with_dict", IList<object?>) or ("with_sequence", "bogus");
            _draw.Mark(Hazard.LoopShape, "");
            if (statically)
            {
                _draw.Refused(Hazard.LoopShape, "");
            }

            return;
        }

        var (name, items) = _draw.Pick<(string, object?)>(
            ("loop", new List<object?> { 1L, "a", Value() }), ("loop", _jinja.Value()), ("with_items", new List<object?> { Value(), new List<object?> { 1L, 2L } }),
            ("with_dict", new Dictionary<string, object?> { ["a"] = Value() }), ("with_sequence", "start=1 end=3"), ("with_together", new List<object?> { new List<object?> { 1L }, new List<object?> { 2L } }),
            ("with_nested", new List<object?> { new List<object?> { 1L, 2L }, new List<object?> { "a" } }), ("with_indexed_items", new List<object?> { "a" }), ("with_file", new List<object?> { "files/plain.txt" }));
        task[name] = items;
        if (!Tame && _draw.Chance(0.3))
        {
            task["loop_control"] = new Dictionary<string, object?> { [_draw.Pick("loop_var", "index_var", "label", "pause", "extended", "bogus")] = _draw.Pick<object?>("i", Value(), 1L, null) };
        }
    }

    private string TemplateSource()
    {
        if (Hostile(Hazard.OddFile) || Hostile(Hazard.LookupSelfReference))
        {
            var odd = _focus == Hazard.LookupSelfReference ? "self.j2" : _draw.Pick("big.bin", "dangling", "loop", "dir", "fifo", "zero", "binary.bin", "self.j2", "missing.j2");
            return _draw.Refused(odd == "self.j2" ? Hazard.LookupSelfReference : Hazard.OddFile, odd);
        }

        var path = $"t{_taskFiles++}.j2";
        var text = _jinja.Template();
        // Beside the task file, where Fleet looks: a role's templates/, else templates/ in the task file's directory.
        var templates = _here.StartsWith("roles/", StringComparison.Ordinal) ? Path.GetDirectoryName(_here) + "/templates/" : _here.Length > 0 ? _here + "/templates/" : "templates/";
        _files.Text(templates + path, text);
        if (_focus == Hazard.TemplateSource)
        {
            // A template source is parsed at validation: every error in it must be found there, located in the template.
            _draw.Mark(Hazard.TemplateSource, "");
            if (_draw.Chance(0.3))
            {
                text += _draw.Refused(Hazard.TemplateSource, _draw.Pick("{{ 1 | no_such_filter }}", "{% if %}", "{% for x in %}{% endfor %}", "{% include 'self.j2' %}", "{{ 1 +", "{% endif %}"));
            }
        }

        return path;
    }

    private void Include(Dictionary<string, object?> task, int depth)
    {
        var action = _draw.Pick("import_tasks", "include_tasks");
        if (Hostile(Hazard.IncludeRecursion, 1))
        {
            _draw.Mark(Hazard.IncludeRecursion, "");
            switch (_draw.Next(0, 4))
            {
                case 0:
                    _files.Text("tasks/self.yml", $"- {action}: self.yml\n");
                    task[action] = Relative("tasks/self.yml");
                    if (action == "import_tasks")
                    {
                        _draw.Refused(Hazard.IncludeRecursion, "");
                    }

                    return;
                case 1:
                    // Guarded recursion, valid in Ansible: include_tasks runs itself while n < 3.
                    _files.Text("tasks/guarded.yml", "- debug: msg={{ n }}\n- include_tasks: guarded.yml\n  vars:\n    n: \"{{ n | int + 1 }}\"\n  when: n | int < 3\n");
                    task["include_tasks"] = Relative("tasks/guarded.yml");
                    task["vars"] = new Dictionary<string, object?> { ["n"] = 0L };
                    return;
                case 2:
                    // Each file imports the next twice: 2^levels task copies from a few lines of input.
                    var levels = _draw.Pick(16, 24, 30);
                    for (var i = 0; i < levels; i++)
                    {
                        _files.Text($"tasks/fan{i}.yml", i + 1 < levels ? $"- {action}: fan{i + 1}.yml\n- {action}: fan{i + 1}.yml\n" : "- debug: msg=leaf\n");
                    }

                    task[action] = Relative("tasks/fan0.yml");
                    return;
                default:
                    if (action == "import_tasks")
                    {
                        _draw.Refused(Hazard.IncludeRecursion, "");
                    }

                    _files.Directory("tasks/linkdir");
                    _files.Symlink("tasks/linkdir/again", ".");
                    _files.Text("tasks/linkdir/cycle.yml", $"- {action}: again/cycle.yml\n");
                    task[action] = Relative("tasks/linkdir/cycle.yml");
                    return;
            }
        }

        if (Hostile(Hazard.Keywords))
        {
            task[action] = _draw.Chance(0.5) ? "a\0b.yml" : new Dictionary<string, object?> { ["file"] = "tasks/none.yml", ["bogus_parameter"] = 1L };
            _draw.Refused(Hazard.Keywords, "");
            return;
        }

        var path = $"tasks/f{_taskFiles++}.yml";
        _files.Text(path, Within("tasks", () => YamlText.Write(depth < 3 ? Tasks(depth + 1) : new List<object?>())));
        path = Relative(path);
        task[action] = Tame || _draw.Chance(0.8) ? path : new Dictionary<string, object?> { ["file"] = path, [_draw.Pick("apply", "name", "tags")] = _draw.Pick<object?>(null, "x", new Dictionary<string, object?>()) };
    }

    private object? RoleReference()
    {
        var name = Role();
        return Tame || _draw.Chance(0.6) ? name : new Dictionary<string, object?> { ["role"] = name, ["vars"] = new Dictionary<string, object?> { ["v1"] = Value() }, [_draw.Pick("tags", "when", "bogus")] = Value() };
    }

    private Dictionary<string, object?> RoleInclude()
    {
        if (Hostile(Hazard.Keywords))
        {
            _draw.Mark(Hazard.Keywords, "");
            return new Dictionary<string, object?> { ["name"] = _draw.Pick<object?>("{{ undefined_role }}", null, "", "no/such", "a\0b"), [_draw.Pick("handlers_from", "tasks_from", "bogus")] = "nosuch" };
        }

        return Tame ? new Dictionary<string, object?> { ["name"] = Role() } : new Dictionary<string, object?> { ["name"] = Role(), [_draw.Pick("tasks_from", "vars_from", "defaults_from", "public", "apply")] = _draw.Pick<object?>("main", "missing", true, null) };
    }

    /// <summary>A new role with tasks, defaults, vars, handlers and dependencies; hostile ones form cycles or have a directory as a file.</summary>
    private string Role()
    {
        var name = "r" + _roles++;
        var dir = "roles/" + name;
        _files.Text(dir + "/tasks/main.yml", Within(dir + "/tasks", () => YamlText.Write(_roles > 4 ? new List<object?> { new Dictionary<string, object?> { ["debug"] = "msg=x" } } : Tasks(2))));
        if (_draw.Chance(0.5))
        {
            _files.Text(dir + "/defaults/main.yml", YamlText.Write(PlayVars()));
        }

        if (_draw.Chance(0.3))
        {
            _files.Text(dir + "/vars/main.yml", YamlText.Write(new Dictionary<string, object?> { ["v2"] = Value() }));
        }

        if (_draw.Chance(0.2))
        {
            _files.Text(dir + "/templates/r.j2", _jinja.Template());
        }

        if (Hostile(Hazard.RoleCycle, 1))
        {
            _draw.Refused(Hazard.RoleCycle, "");
            var same = _draw.Chance(0.5);
            var other = "r" + _roles++;
            _files.Text(dir + "/meta/main.yml", $"dependencies:\n  - role: {other}\n{(same ? "" : "    vars:\n      x: 1\n")}");
            _files.Text($"roles/{other}/meta/main.yml", $"dependencies:\n  - role: {name}\n");
            _files.Text($"roles/{other}/tasks/main.yml", "- debug: msg=cycle\n");
        }
        else if (Hostile(Hazard.OddFile, 3))
        {
            var file = dir + _draw.Pick("/tasks/main.yml", "/meta/main.yml", "/defaults/main.yml");
            _files.Remove(file);
            if (_draw.Chance(0.5))
            {
                // Ansible passes over a directory named tasks/main.yml or meta/main.yml and merges the files in a defaults/main.yml
                // one: a role without them works, so Fleet may accept or refuse it.
                _draw.Mark(Hazard.OddFile, "");
                _files.Directory(file + "/sub");
            }
            else
            {
                // Ansible's read of a FIFO never ends.
                _draw.Refused(Hazard.OddFile, "");
                _files.Fifo(file);
            }
        }
        else if (_roles < 6 && _draw.Chance(0.3))
        {
            var dependency = Role();
            var meta = new StringBuilder("dependencies:\n  - role: ").Append(dependency).Append('\n');
            _files.Text(dir + "/meta/main.yml", meta.ToString());
        }

        return name;
    }

    private string ExtraVar()
    {
        if (Hostile(Hazard.HugeValue))
        {
            return _draw.Mark(Hazard.HugeValue, _draw.Pick("big=" + new string('x', 1_000_000), "{\"v0\": \"{{ 'x' * 10**10 }}\"}", "@/dev/zero", "@{root}/fifo", "@{root}/dir"));
        }

        return Tame ? "v3=x" : _draw.Pick("v0=" + _jinja.Value(), "{\"v1\": 1}", "v2=", "=x", "@{root}/vars/plain.yml", "@{root}/missing.yml");
    }
}
