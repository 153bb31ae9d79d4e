using Fleet.Core.Inputs;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>Modules Ansible has and Fleet does not (another OS family's, a role's own Python): accepted with a warning, never silently.</summary>
public sealed class ForeignModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    private (Playbook? Playbook, IReadOnlyList<InputError> Errors) Load(string playbook, string name = "play.yml")
    {
        var path = _files.Write(name, playbook);
        try
        {
            var loaded = PlaybookLoader.Load(path, ModuleCatalog.Default, [Path.Combine(_files.Dir, "roles")]);
            return (loaded, PlaybookValidator.Validate([loaded], null, new Dictionary<string, object?>(), ModuleCatalog.Default));
        }
        catch (FleetInputException ex)
        {
            return (null, ex.Errors);
        }
    }

    private static TaskDefinition Task(Playbook playbook, string name) =>
        playbook.Plays.SelectMany(p => p.Tasks.Concat(p.Handlers)).SelectMany(t => t.Flatten()).Single(t => t.Name == name);

    [Theory]
    [InlineData("dnf: { name: aide, state: present }", "module dnf (ansible.builtin.dnf) is not implemented by Fleet")]
    [InlineData("ansible.builtin.dnf: { name: aide }", "module ansible.builtin.dnf is not implemented by Fleet")]
    [InlineData("seport: { ports: 22, proto: tcp, setype: ssh_port_t, state: present }", "module seport (community.general.seport) is not implemented by Fleet")]
    [InlineData("community.general.seport: { ports: 22, proto: tcp, setype: ssh_port_t }", "module community.general.seport is not implemented by Fleet")]
    [InlineData("selinux: { state: enforcing, policy: targeted }", "module selinux (ansible.posix.selinux) is not implemented by Fleet")]
    [InlineData("ansible.posix.selinux: { state: disabled }", "module ansible.posix.selinux is not implemented by Fleet")]
    [InlineData("rpm_key: \"key=/etc/pki/x state=present\"", "module rpm_key (ansible.builtin.rpm_key) is not implemented by Fleet")]
    public void Load_AnsibleModuleFleetLacks_IsAWarningAtTheModuleKey(string task, string message)
    {
        var (playbook, errors) = Load($"- hosts: all\n  tasks:\n    - name: Other family\n      {task}\n      when: ansible_os_family == 'RedHat'\n");

        Assert.Empty(errors);
        var warning = Assert.Single(playbook!.Warnings);
        Assert.Equal(message, warning.Message);
        Assert.Equal((4, 7), (warning.Location!.Value.Line, warning.Location.Value.Column));
        Assert.Equal(message, Task(playbook, "Other family").Keywords.Unavailable);
    }

    [Fact]
    public void Load_NameNoAnsibleModuleHas_StaysAnErrorWithDidYouMean()
    {
        var (_, errors) = Load("- hosts: all\n  tasks:\n    - dnff: { name: aide }\n    - servic: { name: ssh }\n");

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("unknown module 'dnff'", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'service'", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ForeignModuleBesideAnUnknownKey_NamesTheKeyAsATaskKeyword()
    {
        var (_, errors) = Load("- hosts: all\n  tasks:\n    - dnf: { name: aide }\n      whenn: false\n");

        Assert.StartsWith("unknown task key 'whenn'", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ForeignModuleArguments_AreAcceptedAsWrittenButTheirTemplatesMustParse()
    {
        var (playbook, errors) = Load("- hosts: all\n  tasks:\n    - dnf: { name: '{{ pkgs }}', made_up_option: 1 }\n    - yum:\n        name: '{{ broken ('\n");

        Assert.NotNull(playbook);
        var error = Assert.Single(errors);
        Assert.Equal(5, error.Location!.Value.Line);
    }

    [Fact]
    public void Load_CollectionsKeyword_ResolvesShortNamesForThePlayBlockAndTaskButNotItsRoles()
    {
        // ansible_galaxy_install has no ansible.builtin redirect: only a collections: search list finds it (as ansible-playbook).
        _files.Write("roles/plain/tasks/main.yml", "- ansible_galaxy_install: { type: role, name: x }\n");
        _files.Write("roles/withmeta/meta/main.yml", "collections: [community.general]\n");
        _files.Write("roles/withmeta/tasks/main.yml", "- name: In role\n  ansible_galaxy_install: { type: role, name: x }\n");
        var (playbook, errors) = Load("""
            - hosts: all
              collections: [community.general]
              roles: [withmeta]
              tasks:
                - name: In play
                  ansible_galaxy_install: { type: role, name: x }
            - hosts: all
              tasks:
                - block:
                    - name: In block
                      ansible_galaxy_install: { type: role, name: x }
                  collections: [community.general]
                - name: On task
                  ansible_galaxy_install: { type: role, name: x }
                  collections: [community.general]
            """);

        Assert.Empty(errors);
        Assert.All(new[] { "In play", "In block", "On task", "withmeta : In role" }.Select(n => n.Split(" : ")[^1]), name =>
            Assert.Equal("module ansible_galaxy_install (community.general.ansible_galaxy_install) is not implemented by Fleet", Task(playbook!, name).Keywords.Unavailable));

        var (_, roleErrors) = Load("- hosts: all\n  collections: [community.general]\n  roles: [plain]\n", "play2.yml");
        Assert.Contains(roleErrors, e => e.Message.StartsWith("unknown module 'ansible_galaxy_install'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_RolesOwnPythonModule_IsAWarningWithItsOwnMessage()
    {
        var library = _files.Write("roles/custom/library/frobnicate.py", "#!/usr/bin/python\n");
        _files.Write("roles/custom/tasks/main.yml", "- name: Frob\n  frobnicate: { level: 3 }\n");

        var (playbook, errors) = Load("- hosts: all\n  roles: [custom]\n  tasks:\n    - name: After the role\n      frobnicate: {}\n");

        Assert.Empty(errors);
        Assert.Equal($"module frobnicate is the role's own Python module ({library}), which Fleet cannot run: it needs Python on the host", Task(playbook!, "After the role").Keywords.Unavailable);
        Assert.Single(RunInputs.Grouped(playbook!.Warnings));
    }

    [Fact]
    public void Load_RolesOwnModuleWithoutExtension_IsFoundAsAnsibleFindsIt()
    {
        // openstack-ansible's roles ship library/get_users with no .py: Ansible's loader finds a module by its bare file name too.
        var python = _files.Write("roles/custom/library/get_users", "#!/usr/bin/env python\nimport pwd\n");
        var shell = _files.Write("roles/custom/library/list_keys.sh", "#!/bin/sh\necho '{}'\n");
        _files.Write("roles/custom/tasks/main.yml", "- name: Users\n  action: get_users\n- name: Keys\n  list_keys: {}\n");

        var (playbook, errors) = Load("- hosts: all\n  roles: [custom]\n");

        Assert.Empty(errors);
        Assert.Equal($"module get_users is the role's own Python module ({python}), which Fleet cannot run: it needs Python on the host", Task(playbook!, "Users").Keywords.Unavailable);
        Assert.Equal($"module list_keys is the role's own module ({shell}), which Fleet cannot run: Fleet runs only its built-in modules", Task(playbook!, "Keys").Keywords.Unavailable);
    }

    [Fact]
    public void Load_LibraryFileAnsibleSkips_IsNoModule()
    {
        _files.Write("roles/custom/library/frobnicate.md", "# docs\n");
        _files.Write("roles/custom/tasks/main.yml", "- name: Frob\n  frobnicate: {}\n");

        var (_, errors) = Load("- hosts: all\n  roles: [custom]\n");

        Assert.Contains(errors, e => e.Message.StartsWith("unknown module 'frobnicate'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_RolesOwnPythonModule_ShadowsFleetsModuleOfTheSameName()
    {
        _files.Write("roles/custom/library/ping.py", "#!/usr/bin/python\n");
        _files.Write("roles/custom/tasks/main.yml", "- name: Own ping\n  command: echo\n");
        _files.Write("roles/custom/library/command.py", "#!/usr/bin/python\n");

        var (playbook, errors) = Load("- hosts: all\n  roles: [custom]\n");

        Assert.Empty(errors);
        Assert.Contains("is the role's own Python module", Task(playbook!, "Own ping").Keywords.Unavailable, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CollectionsOwnPythonModule_IsAWarningForItsRolesShortNames()
    {
        var module = _files.Write("collections/ansible_collections/acme/tools/plugins/modules/widget.py", "#!/usr/bin/python\n");
        _files.Write("collections/ansible_collections/acme/tools/roles/setup/tasks/main.yml", "- name: Short\n  widget: {}\n- name: Long\n  acme.tools.widget: {}\n");

        var (playbook, errors) = Load("- hosts: all\n  roles: [acme.tools.setup]\n");

        Assert.Empty(errors);
        Assert.Equal(2, playbook!.Warnings.Count);
        Assert.All(playbook.Warnings, w => Assert.Contains($"the collection's own Python module ({module})", w.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_PackageParameterOfAnotherBackend_IsAWarningAtTheParameter()
    {
        var (playbook, errors) = Load("- hosts: all\n  tasks:\n    - name: Install\n      package:\n        name: fail2ban\n        state: present\n        enablerepo: epel\n      when: ansible_os_family == 'RedHat'\n");

        Assert.Empty(errors);
        var warning = Assert.Single(playbook!.Warnings);
        Assert.Equal("parameter enablerepo of package belongs to the dnf/yum backend; this host uses apt", warning.Message);
        Assert.Equal(7, warning.Location!.Value.Line);
    }

    [Fact]
    public void Load_PackageParameterNoBackendTakes_StaysAnError()
    {
        var (_, errors) = Load("- hosts: all\n  tasks:\n    - package: { name: x, enablerepos: epel }\n");

        Assert.Contains(errors, e => e.Message.Contains("unknown parameter 'enablerepos'", StringComparison.Ordinal));
    }

    [Fact]
    public void Grouped_OneModulesTasks_AreOneWarningNamingTheOthers()
    {
        var (playbook, _) = Load("- hosts: all\n  tasks:\n    - dnf: { name: a }\n    - dnf: { name: b }\n    - seport: { ports: 1 }\n");

        var grouped = RunInputs.Grouped(playbook!.Warnings);

        Assert.Equal(2, grouped.Count);
        Assert.Equal("module dnf (ansible.builtin.dnf) is not implemented by Fleet (also at line 4)", grouped[0].Message);
        Assert.Equal(3, grouped[0].Location!.Value.Line);
    }

    public void Dispose() => _files.Dispose();
}
