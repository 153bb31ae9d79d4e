using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Tests;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// The task-level <c>include</c> ansible-core 2.14 still reads (openstack-ansible-hardening's task tree uses it), static or
/// dynamic as Ansible decides, and <c>import_tasks</c> names templated from a role's own variables.
/// </summary>
public sealed class LegacyIncludeTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Play Load(string playbook) => PlaybookLoader.Load(_files.Write("site.yml", playbook), ModuleCatalog.Default).Plays[0];

    [Fact]
    public void Include_LiteralFile_IsImportedWhenThePlaybookLoads()
    {
        _files.Write("a.yml", "- name: From a\n  debug: { msg: a }\n");

        var include = Assert.Single(Load("- hosts: all\n  tasks:\n    - include: a.yml\n      tags: [t1]\n").Tasks);

        Assert.Equal(TaskKind.Block, include.Keywords.Kind);
        Assert.Equal(["t1"], include.Flatten().Single(t => t.Name == "From a").Tags);
    }

    [Fact]
    public void Include_Parameters_AreVariablesOfTheIncludedTasks()
    {
        _files.Write("a.yml", "- debug: { msg: \"{{ greeting }}\" }\n");

        var include = Assert.Single(Load("- hosts: all\n  tasks:\n    - include: a.yml greeting=hello count=3\n").Tasks);

        Assert.Equal("hello", include.Keywords.Vars["greeting"]);
        Assert.Equal("3", include.Keywords.Vars["count"]); // parse_kv's values are text, as Ansible's
    }

    [Fact]
    public void Include_TemplatedName_IsDynamic_AndKeepsItsTagsToItself()
    {
        // ansible-playbook 2.14 with --tags t1 runs such an include but none of its (untagged) tasks, as include_tasks.
        var include = Assert.Single(Load("- hosts: all\n  tasks:\n    - include: \"{{ which }}.yml\"\n      tags: [t1]\n").Tasks);

        Assert.Equal(TaskKind.IncludeTasks, include.Keywords.Kind);
        Assert.Equal("include_tasks", include.Module);
        Assert.Equal(["t1"], include.Tags);
        Assert.DoesNotContain("t1", include.Keywords.InheritedTags);
    }

    [Fact]
    public void Include_WithALoop_IsDynamic()
    {
        _files.Write("a.yml", "- debug: { msg: \"{{ item }}\" }\n");

        var include = Assert.Single(Load("- hosts: all\n  tasks:\n    - include: a.yml\n      loop: [1, 2]\n").Tasks);

        Assert.Equal(TaskKind.IncludeTasks, include.Keywords.Kind);
    }

    [Fact]
    public void Include_UnderADynamicInclude_IsDynamicToo()
    {
        _files.Write("outer.yml", "- include: inner.yml\n");
        _files.Write("inner.yml", "- debug: { msg: inner }\n");

        var outer = Assert.Single(Load("- hosts: all\n  tasks:\n    - include_tasks: outer.yml\n").Tasks);

        Assert.Equal(TaskKind.IncludeTasks, Assert.Single(outer.Keywords.Preloaded!.Tasks).Keywords.Kind);
    }

    [Fact]
    public void ImportTasks_NameFromTheRolesDefaults_IsRead()
    {
        _files.Write("roles/hardening/defaults/main.yml", "stig_version: rhel7\n");
        _files.Write("roles/hardening/tasks/main.yml", "- import_tasks: \"{{ stig_version }}stig/main.yml\"\n");
        _files.Write("roles/hardening/tasks/rhel7stig/main.yml", "- name: STIG task\n  debug: { msg: stig }\n");

        var play = Load("- hosts: all\n  roles: [hardening]\n");

        Assert.Contains(play.Tasks.SelectMany(t => t.Flatten()), t => t.Name == "STIG task");
    }

    [Fact]
    public void ImportTasks_NameFromHostFacts_StaysAnError()
    {
        _files.Write("roles/hardening/tasks/main.yml", "- import_tasks: \"{{ ansible_os_family }}.yml\"\n");

        var error = Assert.Throws<FleetInputException>(() => Load("- hosts: all\n  roles: [hardening]\n"));

        Assert.Contains(error.Errors, e => e.Message.StartsWith("import_tasks: a templated file name is read when the playbook loads", StringComparison.Ordinal));
    }
}
