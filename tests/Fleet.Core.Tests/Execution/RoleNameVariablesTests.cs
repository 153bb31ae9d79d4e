using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Tests;

namespace Fleet.Core.Tests.Execution;

/// <summary><c>role_name</c> and <c>ansible_role_name</c> as ansible-playbook 2.14 sets them (checked with it on the same roles).</summary>
public sealed class RoleNameVariablesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-role-name-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task CollectionRole_ShortRoleName_FullAnsibleRoleName_DottedPlainRoleKeepsItsDots()
    {
        const string task = "- debug: msg=\"{{ role_name }}|{{ ansible_role_name }}\"\n";
        Write("collections/ansible_collections/ns/col/roles/rr/tasks/main.yml", task);
        Write("roles/a.b/tasks/main.yml", task);
        var inventory = InventoryLoader.Load(Write("inventory.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n"));
        var loaded = PlaybookLoader.Load(Write("playbook.yml", "- hosts: all\n  gather_facts: false\n  roles: [ns.col.rr, a.b]\n"), ModuleCatalog.Default);
        Assert.Empty(PlaybookValidator.Validate([loaded], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default));

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        Assert.Equal(["ns.col.rr : debug rr|ns.col.rr", "a.b : debug a.b|a.b"], report.Hosts[0].Tasks.Select(t => $"{t.Name} {t.Message}"));
    }
}
