using Fleet.Core.Modules;
using Fleet.Core.Modules.Acl;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>acl: Ansible's argument checks and setfacl/getfacl commands, the planner on recorded setfacl --test output, the fact's parser.</summary>
public sealed class AclModuleTests
{
    private static readonly IReadOnlyList<string> Entries = ["user::rw-", "user:nobody:r--", "group::r--", "mask::r--", "other::r--"];

    private static AclRequest Request(params (string Key, object? Value)[] args) => AclModule.Request(Args([("path", "/srv/data"), .. args]))!;

    [Fact]
    public void Request_Present_BuildsAnsiblesCommands()
    {
        var request = Request(("entity", "nobody"), ("etype", "user"), ("permissions", "r"), ("state", "present"), ("recursive", true), ("follow", false));

        Assert.Equal("setfacl -m user:nobody:r --recursive --physical /srv/data", request.Command);
        Assert.Equal("setfacl --test -m user:nobody:r --recursive --physical /srv/data", request.Fact.TestCommand);
        Assert.Equal("getfacl --omit-header --absolute-names --recursive --physical /srv/data", request.Fact.GetCommand);
    }

    [Fact]
    public void Request_DefaultEntryAbsent_UsesDashDAndNoPermissions()
    {
        var request = Request(("entry", "default:group:adm"), ("state", "absent"));

        Assert.Equal("setfacl -d -x group:adm /srv/data", request.Command);
    }

    [Fact]
    public void Request_ValueWithShellCharacters_IsQuoted() =>
        Assert.Equal("setfacl -m 'user:x;rm -rf /:r' /srv/data", Request(("entity", "x;rm -rf /"), ("etype", "user"), ("permissions", "r"), ("state", "present")).Command);

    [Theory]
    [InlineData("absent", null, "user", "rw", "'permissions' MUST NOT be set when 'state=absent'.")]
    [InlineData("absent", null, "user", null, "'entity' MUST be set when 'state=absent'.")]
    [InlineData("present", "bob", null, "r", "'etype' MUST be set when 'state=present'.")]
    public void Invalid_AnsiblesArgumentErrors(string state, string? entity, string? etype, string? permissions, string expected) =>
        Assert.Equal(expected, AclModule.Invalid(Args(("path", "/x"), ("state", state), ("entity", entity), ("etype", etype), ("permissions", permissions))));

    [Fact]
    public void Invalid_Nfsv4_IsRefusedByName() =>
        Assert.Contains("use_nfsv4_acls", AclModule.Invalid(Args(("path", "/x"), ("use_nfsv4_acls", true))), StringComparison.Ordinal);

    [Fact]
    public void Plan_TestSaysUnchanged_IsNoOpWithAcl()
    {
        var plan = Assert.IsType<NoChange>(AclModule.Plan(Request(("entity", "nobody"), ("etype", "user"), ("permissions", "r"), ("state", "present")),
            new AclState(true, ["/srv/data: *,*"], Entries)));

        Assert.Equal(Entries, (IEnumerable<object?>)plan.Data["acl"]!);
        Assert.Equal("user:nobody:r is present", plan.Data["msg"]);
    }

    [Fact]
    public void Plan_TestShowsNewAcl_SetsTheEntry()
    {
        var plan = Assert.IsType<Change>(AclModule.Plan(Request(("entity", "nobody"), ("etype", "user"), ("permissions", "r"), ("state", "present")),
            new AclState(true, ["/srv/data: u::rw-,u:nobody:r--,g::r--,m::r--,o::r--,*"], ["user::rw-", "group::r--", "other::r--"])));

        Assert.StartsWith("setfacl -m user:nobody:r /srv/data\ngetfacl", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Absent_ToleratesSetfaclRefusal() =>
        Assert.Contains("setfacl -x user:nobody /srv/data || true",
            Assert.IsType<Change>(AclModule.Plan(Request(("entity", "nobody"), ("etype", "user"), ("state", "absent")), new AclState(true, ["/srv/data: u::rw-,*"], Entries))).Script,
            StringComparison.Ordinal);

    [Fact]
    public void Plan_MissingPath_FailsAsAnsible() =>
        Assert.Equal("Path not found or not accessible.", Assert.IsType<PlanFailure>(AclModule.Plan(Request(), new AclState(false, [], []))).Message);

    [Fact]
    public void Parse_TestAndGetfaclOutput()
    {
        var fact = Request(("entity", "nobody"), ("etype", "user"), ("permissions", "r"), ("state", "present")).Fact;

        var state = fact.Parse("test:\n/srv/data: *,*\nget:\nuser::rw-\ngroup::r--\nother::r--\n", 0);

        Assert.False(state.WouldChange);
        Assert.Equal(["user::rw-", "group::r--", "other::r--"], state.Entries);
    }

    [Fact]
    public void Parse_SetfaclError_IsTheError() =>
        Assert.Equal("setfacl: Option -m: Invalid argument near character 3",
            Request(("entity", "nosuch"), ("etype", "user"), ("permissions", "r"), ("state", "present")).Fact.Parse("error:setfacl: Option -m: Invalid argument near character 3\n", 0).Error);
}
