using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// The validator renders each task with its variables in the run's order (Ansible's, docs/variables.md): where two layers set one
/// name, it judges the value the run will use, so it neither refuses what runs nor passes what fails.
/// </summary>
public sealed class ValidationPrecedenceTests : IDisposable
{
    private readonly TempFiles _files = new();

    private IReadOnlyList<InputError> Validate(string playbook, string inventory)
    {
        var inv = InventoryLoader.Load(_files.Write("inv.yml", inventory));
        var path = _files.Write("play.yml", playbook);
        return PlaybookValidator.Validate([PlaybookLoader.Load(path, ModuleCatalog.Default)], inv, new Dictionary<string, object?>(), ModuleCatalog.Default);
    }

    [Fact]
    public void Validate_FactAlsoSetAsHostVariable_JudgesTheFact()
    {
        // As in Ansible, gathered facts rank above inventory host variables: ansible_processor_vcpus is the fact's number, not this text.
        var errors = Validate(
            "- hosts: all\n  tasks:\n    - name: a user\n      user: { name: app, uid: \"{{ ansible_processor_vcpus }}\" }\n",
            "all:\n  hosts:\n    web-1: { ansible_processor_vcpus: many }\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_IncludeParameterAndTaskVar_JudgesTheIncludeParameter()
    {
        _files.Write("roles/app/tasks/main.yml", "- name: marker\n  file: { path: /tmp/marker, state: \"{{ wanted }}\" }\n  vars: { wanted: bogus }\n");

        var errors = Validate(
            "- hosts: all\n  tasks:\n    - include_role: { name: app }\n      vars: { wanted: touch }\n",
            "all:\n  hosts:\n    web-1:\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_TaskVarAndBlockVar_JudgesTheTaskVar()
    {
        var errors = Validate(
            "- hosts: all\n  tasks:\n    - block:\n        - name: marker\n          file: { path: /tmp/marker, state: \"{{ wanted }}\" }\n          vars: { wanted: bogus }\n      vars: { wanted: touch }\n",
            "all:\n  hosts:\n    web-1:\n");

        var error = Assert.Single(errors);
        Assert.Contains("bogus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SetFactReplacesARoleDefault_JudgesNotTheDefault()
    {
        // The role's default is {}; the set_fact before gives it ListenAddress (set_fact outranks defaults), so the use is checked when it runs.
        _files.Write("roles/sshd/defaults/main.yml", "cfg: {}\nbase: { ListenAddress: [] }\n");
        _files.Write("roles/sshd/tasks/main.yml", "- set_fact: { cfg: \"{{ base | combine(cfg) }}\" }\n- set_fact: { empty: \"{{ cfg.ListenAddress | length == 0 }}\" }\n");

        var errors = Validate("- hosts: all\n  roles: [sshd]\n", "all:\n  hosts:\n    web-1:\n");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_SetFactOfAnotherName_StillJudgesTheDefault()
    {
        _files.Write("roles/sshd/defaults/main.yml", "cfg: {}\n");
        _files.Write("roles/sshd/tasks/main.yml", "- set_fact: { other: 1 }\n- set_fact: { empty: \"{{ cfg.ListenAddress | length == 0 }}\" }\n");

        var errors = Validate("- hosts: all\n  roles: [sshd]\n", "all:\n  hosts:\n    web-1:\n");

        Assert.Contains("has no attribute 'ListenAddress'", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();
}
