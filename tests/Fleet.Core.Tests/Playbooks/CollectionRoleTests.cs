using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// Roles in collections as ansible-playbook 2.14 resolves them (checked with it): <c>ns.coll.sub.role</c> in roles/sub/role, a short
/// name through the play's <c>collections:</c> (its dots are subdirectories), and a collection role's dependency in its own collection.
/// </summary>
public sealed class CollectionRoleTests : IDisposable
{
    private const string Collection = "collections/ansible_collections/acme/tools/roles/";

    private readonly TempFiles _files = new();

    public CollectionRoleTests()
    {
        _files.Write(Collection + "sub/deep/tasks/main.yml", "- debug: msg=deep\n");
        _files.Write(Collection + "helper/tasks/main.yml", "- debug: msg=helper\n");
        _files.Write(Collection + "main/tasks/main.yml", "- debug: msg=main\n");
        _files.Write(Collection + "main/meta/main.yml", "dependencies: [helper]\n");
    }

    public void Dispose() => _files.Dispose();

    private List<string> Messages(string playbook)
    {
        var loaded = PlaybookLoader.Load(_files.Write("pb.yml", playbook), ModuleCatalog.Default, [Path.Combine(_files.Dir, "roles")]);
        return loaded.Plays.SelectMany(p => p.Tasks).SelectMany(t => t.Flatten()).Select(t => t.Args["msg"] is ScalarArg { Value: { } msg } ? msg : null).OfType<string>().ToList();
    }

    [Fact]
    public void Load_QualifiedNameWithSubdirectories_FindsTheRoleBelowRoles() =>
        Assert.Equal(["deep", "helper", "main"], Messages("- hosts: all\n  roles: [acme.tools.sub.deep, acme.tools.main]\n"));

    [Fact]
    public void Load_ShortNamesThroughThePlaysCollections_AreItsRoles() =>
        Assert.Equal(["deep", "helper"], Messages("- hosts: all\n  collections: [acme.tools]\n  roles: [sub.deep, helper]\n"));

    [Fact]
    public void Load_QualifiedNameNotInACollection_FallsBackToTheRolePaths()
    {
        _files.Write("roles/acme.tools.legacy/tasks/main.yml", "- debug: msg=legacy\n");

        Assert.Equal(["legacy"], Messages("- hosts: all\n  roles: [acme.tools.legacy]\n"));
    }

    [Fact]
    public void Load_ShortNameWithoutCollections_IsNotLookedForInOne()
    {
        var error = Assert.Throws<FleetInputException>(() => Messages("- hosts: all\n  roles: [helper]\n"));

        Assert.Contains("role 'helper' not found", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ansible_collections", error.Message, StringComparison.Ordinal);
    }
}
