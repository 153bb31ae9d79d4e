using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Tests.Inventory;

using Fleet.Tests;

namespace Fleet.Core.Tests.Playbooks;

public sealed class PlaybookValidationTests : IDisposable
{
    private readonly TempFiles _files = new();

    private Core.Inventory.Inventory Inventory() =>
        InventoryLoader.Load(_files.Write("inv.yml", "all:\n  vars: { greeting: hello }\n  children:\n    web:\n      hosts:\n        web-1:\n        web-2: { port_number: 8080 }\n"));

    private IReadOnlyList<InputError> Validate(string playbook, Core.Inventory.Inventory? inventory = null)
    {
        var path = _files.Write("play.yml", playbook);
        try
        {
            return PlaybookValidator.Validate([PlaybookLoader.Load(path, ModuleCatalog.Default)], inventory ?? Inventory(), new Dictionary<string, object?>(), ModuleCatalog.Default);
        }
        catch (FleetInputException ex)
        {
            return ex.Errors;
        }
    }

    [Fact]
    public void Load_ShippedBaseline_ValidatesWithTheCoreModules()
    {
        var path = Path.Combine(Repository.Root, "playbooks", "08-baseline.yml");

        var playbook = PlaybookLoader.Load(path, ModuleCatalog.Default);

        Assert.NotEmpty(playbook.Plays.SelectMany(p => p.Tasks));
        Assert.Empty(PlaybookValidator.Validate([playbook], Inventory(), new Dictionary<string, object?>(), ModuleCatalog.Default));
    }

    [Fact]
    public void Load_UnknownModule_NamesLocationAndSuggestion()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - name: x\n      lineinfle: { path: /x, line: y }\n");

        var error = Assert.Single(errors);
        Assert.Equal(4, error.Location!.Value.Line);
        Assert.Equal(7, error.Location.Value.Column);
        Assert.Contains("did you mean 'lineinfile'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ansible.builtin.iptables: { chain: INPUT, chain_management: true }", "chain_management")]
    [InlineData("iptables: { chain: INPUT, set_counters: '1 2' }", "set_counters")]
    [InlineData("ansible.posix.mount: { path: /mnt, state: present, src: tmpfs, fstype: tmpfs, boot: false }", "boot")]
    [InlineData("mount: { path: /mnt, state: ephemeral, src: tmpfs, fstype: tmpfs }", "ephemeral")]
    [InlineData("ansible.builtin.find: { paths: /etc, checksum_algorithm: sha256 }", "checksum_algorithm")]
    public void Validate_LongTailModules_UnsupportedParameterOrValue_IsNamed(string task, string name)
    {
        var errors = Validate($"- hosts: all\n  tasks:\n    - {task}\n");

        Assert.Contains(errors, e => e.Message.Contains($"'{name}'", StringComparison.Ordinal) && e.Location!.Value.Line == 3);
    }

    [Fact]
    public void Validate_UnknownParameter_NamesValueLocation()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - copy:\n        dest: /x\n        content: y\n        mod: '0644'\n");

        var error = Assert.Single(errors);
        Assert.Equal((6, 14), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.Contains("unknown parameter 'mod'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'mode'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingRequiredAndWrongType_AreBothReported()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - lineinfile: { line: x, create: maybe }\n");

        Assert.Contains(errors, e => e.Message.Contains("missing required parameter 'path'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("create must be a boolean", StringComparison.Ordinal) && e.Location!.Value.Column == 38);
    }

    [Fact]
    public void Validate_CopySourceMissing_NamesValueLocation_FoundInFilesDirectoryIsFine()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - copy: { dest: /x, src: motd.txt }\n");

        var error = Assert.Single(errors);
        Assert.Equal((3, 30), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.Contains("src: file not found on the controller: motd.txt", error.Message, StringComparison.Ordinal);

        _files.Write("files/motd.txt", "hello\n");
        Assert.Empty(Validate("- hosts: all\n  tasks:\n    - copy: { dest: /x, src: motd.txt }\n"));
        Assert.Empty(Validate("- hosts: all\n  tasks:\n    - copy: { dest: /x, src: \"{{ inventory_hostname }}.txt\" }\n"));
    }

    [Fact]
    public void Validate_TemplatedKeyFileMissing_RenderedWithoutTheHost_IsALocatedError()
    {
        var inventory = InventoryLoader.Load(_files.Write("keys.yml", "all:\n  vars: { admin_public_key: /nonexistent/fleet-admin.pub }\n  hosts:\n    web-1:\n"));

        var errors = Validate("- hosts: all\n  tasks:\n    - authorized_key: { user: deploy, key_file: \"{{ admin_public_key }}\" }\n", inventory);

        var error = Assert.Single(errors);
        Assert.Equal((3, 49), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.StartsWith("key_file: file not found on the controller: /nonexistent/fleet-admin.pub (rendered from {{ admin_public_key }})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TemplatedControllerFile_KnownOnlyOnTheHostOrUnderAWhen_IsNotAnError()
    {
        var inventory = InventoryLoader.Load(_files.Write("keys.yml", "all:\n  vars: { admin_public_key: /nonexistent/fleet-admin.pub, present_key: keys/admin.pub, manage_keys: false }\n  hosts:\n    web-1:\n"));
        _files.Write("files/keys/admin.pub", "ssh-ed25519 AAAA admin\n");
        var warnings = new List<InputError>();

        var errors = PlaybookValidator.Validate([PlaybookLoader.Load(_files.Write("play.yml", """
            - hosts: all
              tasks:
                - authorized_key: { user: deploy, key_file: "/keys/{{ ansible_hostname }}.pub" }
                - authorized_key: { user: deploy, key_file: "/keys/{{ inventory_hostname }}.pub" }
                - authorized_key: { user: deploy, key_file: "{{ present_key }}" }
                - copy: { src: "{{ admin_public_key }}", dest: /x, remote_src: "{{ on_host | default(true) }}" }
                - authorized_key: { user: deploy, key_file: "{{ admin_public_key }}" }
                  when: manage_keys
            """), ModuleCatalog.Default)], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default, warnings);

        Assert.Empty(errors);
        var warning = Assert.Single(warnings);
        Assert.Equal(7, warning.Location!.Value.Line);
        Assert.Contains("key_file: file not found on the controller: /nonexistent/fleet-admin.pub", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ImportedPlaybook_SourceIsRelativeToTheImportedFile()
    {
        _files.Write("sub/files/motd.txt", "hello\n");
        _files.Write("sub/inner.yml", "- hosts: all\n  tasks:\n    - copy: { dest: /x, src: motd.txt }\n");

        var errors = Validate("- import_playbook: sub/inner.yml\n");

        Assert.Empty(errors);
        var play = Assert.Single(PlaybookLoader.Load(_files.Write("outer.yml", "- import_playbook: sub/inner.yml\n"), ModuleCatalog.Default).Plays);
        Assert.Equal(Path.GetDirectoryName(_files.Write("sub/probe", "")), play.Directory);
    }

    [Fact]
    public void Load_VarsFiles_OverridePlayVarsInOrder()
    {
        _files.Write("vars/common.yml", "port: 22\nbanner: common\n");
        _files.Write("vars/site.yml", "banner: site\n");

        var playbook = PlaybookLoader.Load(_files.Write("play.yml", "- hosts: all\n  vars: { port: 2222, extra: yes }\n  vars_files: [vars/common.yml, vars/site.yml]\n  tasks:\n    - copy: { dest: /x, content: \"{{ banner }} {{ port }}\" }\n"), ModuleCatalog.Default);

        var vars = Assert.Single(playbook.Plays).Vars;
        Assert.Equal((22L, "site", true), (vars["port"], vars["banner"], vars["extra"]));
    }

    [Fact]
    public void Load_VarsFileMissing_NamesLocation()
    {
        var errors = Validate("- hosts: all\n  vars_files:\n    - vars/nope.yml\n  tasks: []\n");

        var error = Assert.Single(errors);
        Assert.Equal((3, 7), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.Contains("vars file not found: vars/nope.yml", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- hosts: all\n  tasks:\n    - copy: { dest: /x, content: [a, b }\n", 3, 40, "YAML syntax error")]
    [InlineData("- hosts: all\n  tags: [a, b\n  tasks: []\n", 2, 9, "not closed")]
    [InlineData("- hosts: all\n  tasks:\n\t- command: x\n", 3, 1, "tab")]
    [InlineData("- hosts: all\n  tasks:\n    - name: a\n      name: b\n      command: x\n", 4, 7, "duplicate key 'name'")]
    public void Load_YamlSyntaxError_NamesWhereItIs(string text, int line, int column, string message)
    {
        var error = Assert.Single(Validate(text));

        Assert.Equal((line, column), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serial: 0", "serial must be a positive number")]
    [InlineData("serial: 150%", "serial must be a positive number")]
    [InlineData("max_fail_percentage: 101", "max_fail_percentage must be between 0 and 100")]
    public void Load_BadPlaySerial_NamesLocation(string key, string message)
    {
        var error = Assert.Single(Validate($"- hosts: all\n  {key}\n  tasks: []\n"));

        Assert.Equal(2, error.Location!.Value.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TimeoutZero_MeansNoLimit()
    {
        var playbook = PlaybookLoader.Load(_files.Write("t0.yml", "- hosts: all\n  tasks:\n    - command: sleep 1\n      timeout: 0\n    - command: sleep 1\n      timeout: 5\n"), ModuleCatalog.Default);

        Assert.Equal([Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(5)], playbook.Plays[0].Tasks.Select(t => t.Timeout));
    }

    [Fact]
    public void Load_UnknownTaskKeyBesideAModule_IsNamedAsATaskKey()
    {
        var error = Assert.Single(Validate("- hosts: all\n  tasks:\n    - command: \"true\"\n      retry: 3\n"));

        Assert.Equal((4, 7), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.StartsWith("unknown task key 'retry'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownHandler_IsError()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - command: echo hi\n      notify: restart it\n  handlers:\n    - name: restart sshd\n      command: echo restart\n");

        Assert.Contains(errors, e => e.Message.Contains("unknown handler 'restart it'", StringComparison.Ordinal) && e.Location!.Value.Line == 3);
    }

    [Fact]
    public void Validate_UndefinedVariable_NamesValueLocation()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - copy: { dest: /x, content: \"{{ greting }}\" }\n");

        var error = Assert.Single(errors);
        Assert.Contains("undefined variable 'greting'", error.Message, StringComparison.Ordinal);
        Assert.Equal((3, 34), (error.Location!.Value.Line, error.Location.Value.Column));
    }

    [Fact]
    public void Validate_VariableFromInventoryOnOneHostOnly_IsErrorForTheOther()
    {
        var errors = Validate("- hosts: web\n  tasks:\n    - copy: { dest: /x, content: \"{{ port_number }}\" }\n");

        Assert.Contains(errors, e => e.Message.Contains("port_number", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DefaultFilterAndFacts_AreNotUndefined()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - copy: { dest: /x, content: \"{{ nothing | default('x') }} {{ ansible_distribution }} {{ inventory_hostname }}\" }\n      when: ansible_os_family == 'Debian' and greeting is defined\n");

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("package_facts: {}", "packages")]
    [InlineData("service_facts: {}", "services")]
    [InlineData("getent: { database: passwd }", "getent_passwd")]
    [InlineData("getent: { database: \"{{ db }}\" }", "getent_anything")]
    public void Validate_FactsAModuleReturns_AreVariablesOfLaterTasks(string module, string variable)
    {
        var errors = Validate($"- hosts: all\n  vars: {{ db: group }}\n  tasks:\n    - {module}\n    - command: echo hi\n      when: {variable} | length > 0\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_FactNameOfAnotherModule_IsStillUndefined()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - getent: { database: passwd }\n    - command: echo hi\n      when: packages | length > 0\n");

        Assert.Contains(errors, e => e.Message.Contains("undefined variable 'packages'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MapIndexedByAFact_WaitsForTheHostsFacts()
    {
        // A role's "multi-OS vars": the key is the host's ansible_os_family, which no stand-in can know.
        var errors = Validate("- hosts: all\n  vars: { cron_package: { RedHat: cronie, Debian: cron } }\n  tasks:\n    - apt: { name: \"{{ cron_package[ansible_os_family] }}\" }\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_MapIndexedByAFact_InEngineActions_WaitsForTheHostsFacts()
    {
        var errors = Validate("- hosts: all\n  vars: { pkgs: { Debian: cron } }\n  tasks:\n    - set_fact: { cron_pkg: \"{{ pkgs[ansible_os_family] }}\" }\n    - debug: { msg: \"{{ pkgs[ansible_os_family] }}\" }\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_MapIndexedByAFact_StillChecksParameterNames()
    {
        var errors = Validate("- hosts: all\n  vars: { cron_package: { Debian: cron } }\n  tasks:\n    - apt: { name: \"{{ cron_package[ansible_os_family] }}\", stat: present }\n");

        Assert.Contains(errors, e => e.Message.Contains("unknown parameter 'stat'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingKeyOfAVariable_WithoutWhen_IsError()
    {
        var errors = Validate("- hosts: all\n  vars: { sshd: { ciphers: aes } }\n  tasks:\n    - copy: { dest: /x, content: \"{{ sshd['kex'] }}\" }\n");

        Assert.Contains(errors, e => e.Message.Contains("has no attribute 'kex'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingKeyGuardedByWhen_IsNotReported()
    {
        // As Ansible: the arguments are rendered only when the condition holds, and here it never does without the key.
        var errors = Validate("- hosts: all\n  vars: { sshd: { ciphers: aes } }\n  tasks:\n    - copy: { dest: /x, content: \"AllowUsers {{ sshd['allowusers'] }}\" }\n      when: sshd['allowusers'] | default('')\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_AnsibleVersion_IsDefined()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - fail: { msg: old }\n      when: not ansible_version.full is version('2.9', '>=')\n    - copy: { dest: /x, content: \"{{ ansible_version.major }}.{{ ansible_version.minor }}\" }\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_UndefinedVariableInWhen_IsError()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - command: echo hi\n      when: colour == 'blue'\n");

        Assert.Contains(errors, e => e.Message.Contains("undefined variable 'colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadHostPattern_IsError()
    {
        var errors = Validate("- hosts: wbe\n  tasks:\n    - command: echo hi\n");

        Assert.Contains(errors, e => e.Message.Contains("unknown host or group 'wbe'", StringComparison.Ordinal) && e.Location!.Value.Line == 1);
    }

    [Fact]
    public void Load_ImportPlaybook_ExpandsRelativeAndRejectsCycles()
    {
        _files.Write("sub/inner.yml", "- hosts: all\n  tasks:\n    - command: echo inner\n");
        var outer = _files.Write("outer.yml", "- import_playbook: sub/inner.yml\n- hosts: all\n  tasks:\n    - command: echo outer\n");
        _files.Write("cycle-a.yml", "- import_playbook: cycle-b.yml\n");
        var cycle = _files.Write("cycle-b.yml", "- import_playbook: cycle-a.yml\n");

        var playbook = PlaybookLoader.Load(outer, ModuleCatalog.Default);
        var error = Assert.Throws<FleetInputException>(() => PlaybookLoader.Load(cycle, ModuleCatalog.Default));

        Assert.Equal(2, playbook.Plays.Count);
        Assert.Contains("import cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FreeFormCommand_SplitsKeyValueWords()
    {
        var path = _files.Write("p.yml", "- hosts: all\n  tasks:\n    - shell: echo hi > /tmp/x creates=/tmp/x chdir=/tmp\n");

        var task = PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0].Tasks[0];

        Assert.Equal("echo hi > /tmp/x", ((ScalarArg)task.Args["cmd"]!).Value);
        Assert.Equal("/tmp/x", ((ScalarArg)task.Args["creates"]!).Value);
        Assert.Equal("/tmp", ((ScalarArg)task.Args["chdir"]!).Value);
    }

    [Fact]
    public void Load_FreeFormKeyValues_OfOtherModules_AreAllParameters_AsAnsiblesParseKv()
    {
        var path = _files.Write("p.yml", "- hosts: all\n  tasks:\n    - async_status: \"jid={{ job.ansible_job_id }}\"\n    - include_vars: file=vars/x.yml name=x\n    - shell: echo a=b chdir=/tmp\n");

        var tasks = PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0].Tasks;

        Assert.Equal("{{ job.ansible_job_id }}", ((ScalarArg)tasks[0].Args["jid"]!).Value);
        Assert.Equal(("vars/x.yml", "x"), (((ScalarArg)tasks[1].Args["file"]!).Value, ((ScalarArg)tasks[1].Args["name"]!).Value));
        Assert.Equal("echo a=b", ((ScalarArg)tasks[2].Args["cmd"]!).Value);
    }

    [Fact]
    public void Validate_FreeFormUnknownKey_IsNamedAsAnUnknownParameter()
    {
        var errors = Validate("- hosts: all\n  tasks:\n    - copy: src=/etc/hostname dest=/tmp/x colour=red\n");

        var error = Assert.Single(errors);
        Assert.Contains("copy: unknown parameter 'colour'", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location!.Value.Line);
    }

    [Fact]
    public void Load_TaskKeys_AreRead()
    {
        var path = _files.Write("p.yml", "- hosts: all\n  tags: [base]\n  tasks:\n    - name: t\n      command: echo hi\n      tags: one\n      retries: 2\n      delay: 1\n      timeout: 30\n      ignore_errors: yes\n      changed_when: false\n      become: true\n");

        var task = PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0].Tasks[0];

        Assert.Equal(["base", "one"], task.Tags);
        Assert.Equal((2, 1.0, 30.0, true, false, true), (task.Retries, task.Delay.TotalSeconds, task.Timeout!.Value.TotalSeconds, task.IgnoreErrors, task.ChangedWhen!.Value, task.Become!.Value));
    }

    [Fact]
    public void Load_UnsupportedLookupLoop_IsNamedWithLocation()
    {
        Assert.Empty(Validate("- hosts: all\n  tasks:\n    - command: echo {{ item }}\n      loop: [a, b]\n"));
        Assert.Empty(Validate("- hosts: all\n  tasks:\n    - command: echo {{ item }}\n      with_community.general.flattened: [a, [b]]\n"));
        var errors = Validate("- hosts: all\n  tasks:\n    - command: echo {{ item }}\n      with_subelemnts: [a, b]\n");

        Assert.Contains(errors, e => e.Message.Contains("'with_subelemnts' is not supported (did you mean 'with_subelements'?)", StringComparison.Ordinal) && e.Location!.Value.Line == 4);
    }

    [Fact]
    public void Bind_ModeWrittenUnquoted_StaysOctal()
    {
        var path = _files.Write("p.yml", "- hosts: all\n  tasks:\n    - file: { path: /x, mode: 0644 }\n    - file: { path: /y, mode: '755' }\n    - file: { path: /z, mode: 'u=rw,g=r,o=' }\n");
        var tasks = PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0].Tasks;
        var module = ModuleCatalog.Default.Get("file")!;
        var scope = Core.Templating.VariableScope.Of(new Dictionary<string, object?>());

        var modes = tasks.Select(t => ModuleArguments.Bind(module, t.Args, scope).GetString("mode")).ToList();

        Assert.Equal(["0644", "0755", "u=rw,g=r,o="], modes);
    }

    [Fact]
    public void Bind_TemplateOfList_StaysList()
    {
        var path = _files.Write("p.yml", "- hosts: all\n  vars: { words: [a, b] }\n  tasks:\n    - command: { argv: \"{{ words }}\" }\n");
        var play = PlaybookLoader.Load(path, ModuleCatalog.Default).Plays[0];

        var args = ModuleArguments.Bind(ModuleCatalog.Default.Get("command")!, play.Tasks[0].Args, Core.Templating.VariableScope.Of(play.Vars));

        Assert.Equal(["a", "b"], args.GetList("argv"));
    }

    public void Dispose() => _files.Dispose();
}
