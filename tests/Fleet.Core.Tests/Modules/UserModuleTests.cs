using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Users;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>user and group: planners from getent fixtures; scripts checked as text and run against recording stand-ins of the account tools.</summary>
public sealed class UserModuleTests : IDisposable
{
    private const string Groups = """
        root:x:0:
        adm:x:4:syslog
        sudo:x:27:
        users:x:100:
        deploy:x:1001:

        """;

    private const string Hash = "$6$saltsalt$2gT1ea8Y3Nsd5uT9o3KC6qvWBtH9v6p9iM3Gx0w7lE5s0jJb7yqgD4oV1b6S0Rk6O7cQ3n3cQ4g5m9H1t0V2W.";

    private readonly TempFiles _files = new();

    private static readonly ModuleContext Context = new("h", CheckMode: false, "/tmp");

    /// <summary>Facts as the host would print them: the passwd and shadow lines (null: no such user) and getent group.</summary>
    private static FactCache Facts(string name, string? passwd, string? shadow = null, bool homeExists = true, string groups = Groups, string? home = null, bool? requestedHomeExists = null)
    {
        var output = passwd is null ? "" : $"passwd:{passwd}\n{(shadow is null ? "" : $"shadow:{shadow}\n")}home:{(homeExists ? "yes" : "no")}\n";
        if (requestedHomeExists is { } requested)
        {
            output += $"requested-home:{(requested ? "yes" : "no")}\n";
        }

        var cache = new FactCache();
        var user = new UserFact(name, home);
        cache.Set(user, user.Parse(output, 0));
        cache.Set(new GroupsFact(), new GroupsFact().Parse(groups, 0));
        return cache;
    }

    private static FactCache Deploy(string groups = Groups, string shell = "/bin/bash", string shadowHash = Hash, bool homeExists = true) =>
        Facts("deploy", $"deploy:x:1001:1001:Deploy:/home/deploy:{shell}", $"deploy:{shadowHash}:19700:0:99999:7:::", homeExists, groups);

    private static TaskPlan Plan(FactCache facts, params (string, object?)[] args) => new UserModule().Plan(Args(args), facts, Context);

    [Fact]
    public void Plan_MissingUser_CreatesWithOneUseradd()
    {
        var plan = Plan(Facts("deploy", null, groups: Groups.Replace("deploy:x:1001:\n", "", StringComparison.Ordinal)), ("name", "deploy"), ("shell", "/bin/bash"), ("groups", new List<string> { "sudo" }), ("create_home", true));

        var change = Assert.IsType<Change>(plan);
        Assert.Equal("set -e\nuseradd -G sudo -s /bin/bash -m -- deploy\n", change.Script);
        Assert.Equal(["user deploy created (groups sudo, shell /bin/bash)"], change.Changes);
        Assert.Contains(Subject.User("deploy"), change.Touches!);
    }

    [Fact]
    public void Plan_MissingUserWhoseGroupExists_UsesExistingGroupLikeAnsible()
    {
        var change = Assert.IsType<Change>(Plan(Facts("deploy", null), ("name", "deploy"), ("system", true), ("create_home", false)));

        Assert.Equal("set -e\nuseradd -N -M -r -- deploy\n", change.Script);
    }

    [Fact]
    public void Plan_NewHomeUnderMissingParent_CreatesTheParentFirst()
    {
        var change = Assert.IsType<Change>(Plan(Facts("svc", null, home: "/srv/apps/svc", requestedHomeExists: false), ("name", "svc"), ("home", "/srv/apps/svc"), ("uid", 1500L)));

        Assert.Equal("set -e\nmkdir -p -- /srv/apps\nuseradd -u 1500 -d /srv/apps/svc -m -- svc\n", change.Script);
    }

    [Fact]
    public void Plan_ExistingUserAsDesired_IsNoOp()
    {
        var facts = Deploy(Groups.Replace("sudo:x:27:", "sudo:x:27:deploy", StringComparison.Ordinal));

        var plan = Plan(facts, ("name", "deploy"), ("shell", "/bin/bash"), ("groups", new List<string> { "sudo" }), ("comment", "Deploy"), ("home", null), ("uid", 1001L), ("password", Hash), ("create_home", true), ("system", true));

        var noChange = Assert.IsType<NoChange>(plan);
        Assert.Equal("user deploy already as desired", noChange.Reason);
        Assert.Equal(1001L, noChange.Data["uid"]);
        Assert.Equal("sudo", noChange.Data["groups"]);
    }

    [Fact]
    public void Plan_ShellAndGroupsDiffer_OneUsermodWithOnlyThose()
    {
        var change = Assert.IsType<Change>(Plan(Deploy(shell: "/bin/sh"), ("name", "deploy"), ("shell", "/bin/bash"), ("groups", new List<string> { "sudo" }), ("comment", "Deploy")));

        Assert.Equal("set -e\nusermod -G sudo -s /bin/bash -- deploy\n", change.Script);
        Assert.Equal(["user deploy: groups (none) → sudo", "user deploy: shell /bin/sh → /bin/bash"], change.Changes);
    }

    [Fact]
    public void Plan_GroupsByGid_AreTheSameGroups()
    {
        var facts = Deploy(Groups.Replace("sudo:x:27:", "sudo:x:27:deploy", StringComparison.Ordinal));

        Assert.IsType<NoChange>(Plan(facts, ("name", "deploy"), ("groups", new List<string> { "27" })));
    }

    [Fact]
    public void Plan_Append_AddsOnlyWhenAGroupIsMissing()
    {
        var inAdm = Deploy(Groups.Replace("adm:x:4:syslog", "adm:x:4:syslog,deploy", StringComparison.Ordinal));
        var inBoth = Deploy(Groups.Replace("adm:x:4:syslog", "adm:x:4:syslog,deploy", StringComparison.Ordinal).Replace("sudo:x:27:", "sudo:x:27:deploy", StringComparison.Ordinal));

        var add = Assert.IsType<Change>(Plan(inAdm, ("name", "deploy"), ("groups", new List<string> { "sudo" }), ("append", true)));
        var replace = Assert.IsType<Change>(Plan(inAdm, ("name", "deploy"), ("groups", new List<string> { "sudo" })));

        Assert.Equal("set -e\nusermod -a -G sudo -- deploy\n", add.Script);
        Assert.Equal("set -e\nusermod -G sudo -- deploy\n", replace.Script);
        Assert.Equal(["user deploy: groups adm → sudo"], replace.Changes);
        Assert.IsType<NoChange>(Plan(inBoth, ("name", "deploy"), ("groups", new List<string> { "sudo" }), ("append", true)));
    }

    [Fact]
    public void Plan_EmptyGroupsWithoutAppend_RemovesEveryMembership()
    {
        var facts = Deploy(Groups.Replace("sudo:x:27:", "sudo:x:27:deploy", StringComparison.Ordinal));

        var change = Assert.IsType<Change>(Plan(facts, ("name", "deploy"), ("groups", new List<string>())));

        Assert.Equal("set -e\nusermod -G '' -- deploy\n", change.Script);
        Assert.IsType<NoChange>(Plan(Deploy(), ("name", "deploy"), ("groups", new List<string>())));
    }

    [Fact]
    public void Plan_MissingGroup_IsPlanFailure()
    {
        Assert.Equal("group wheel does not exist", Assert.IsType<PlanFailure>(Plan(Deploy(), ("name", "deploy"), ("groups", new List<string> { "wheel" }))).Message);
        Assert.Equal("group wheel does not exist", Assert.IsType<PlanFailure>(Plan(Facts("x", null), ("name", "x"), ("group", "wheel"))).Message);
    }

    [Fact]
    public void Plan_PrimaryGroupByName_ChangesTheGid()
    {
        var change = Assert.IsType<Change>(Plan(Deploy(), ("name", "deploy"), ("group", "users")));

        Assert.Equal("set -e\nusermod -g 100 -- deploy\n", change.Script);
        Assert.IsType<NoChange>(Plan(Deploy(), ("name", "deploy"), ("group", "deploy")));
    }

    [Fact]
    public void Plan_Password_ComparedAsHash()
    {
        const string other = "$6$othersalt$abc";

        var change = Assert.IsType<Change>(Plan(Deploy(), ("name", "deploy"), ("password", other)));
        var lockedSame = Plan(Deploy(shadowHash: "!" + Hash), ("name", "deploy"), ("password", Hash));
        var onCreate = Plan(Deploy(), ("name", "deploy"), ("password", other), ("update_password", "on_create"));

        Assert.Equal("set -e\nusermod -p '$6$othersalt$abc' -- deploy\n", change.Script);
        Assert.Equal(["user deploy: password changed"], change.Changes);
        Assert.DoesNotContain(change.Changes, c => c.Contains('$', StringComparison.Ordinal));
        Assert.IsType<NoChange>(lockedSame);
        Assert.IsType<NoChange>(onCreate);
    }

    [Fact]
    public void Plan_PasswordWithoutShadowAccess_IsPlanFailureNotAChangeEveryRun()
    {
        var facts = Facts("deploy", "deploy:x:1001:1001::/home/deploy:/bin/bash");

        var failure = Assert.IsType<PlanFailure>(Plan(facts, ("name", "deploy"), ("password", Hash)));

        Assert.Contains("become", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AgingAlreadySet_IsNoOp()
    {
        var plan = Plan(Deploy(), ("name", "deploy"), ("password_expire_min", 0L), ("password_expire_max", 99999L), ("password_expire_warn", 7L));

        Assert.IsType<NoChange>(plan);
    }

    [Fact]
    public void Plan_OneAgingFieldDiffers_ChageWithOnlyThatFlag()
    {
        var change = Assert.IsType<Change>(Plan(Deploy(), ("name", "deploy"), ("password_expire_min", 0L), ("password_expire_max", 60L), ("password_expire_warn", 7L)));

        Assert.Equal("set -e\nchage -M 60 -- deploy\n", change.Script);
        Assert.Equal(["user deploy: password max age 99999 → 60"], change.Changes);
    }

    [Fact]
    public void Plan_Expires_UsermodWithItsUtcDayThenNoOp()
    {
        // 1422403387 s is 2015-01-28 in UTC, day 16463 since the epoch (the CIS roles' "expire users" value).
        var change = Assert.IsType<Change>(Plan(Deploy(), ("name", "deploy"), ("expires", "1422403387")));
        var set = Facts("deploy", "deploy:x:1001:1001:Deploy:/home/deploy:/bin/bash", $"deploy:{Hash}:19700:0:99999:7::16463:");

        Assert.Equal("set -e\nusermod -e 2015-01-28 -- deploy\n", change.Script);
        Assert.Equal(["user deploy: expires 2015-01-28"], change.Changes);
        Assert.IsType<NoChange>(Plan(set, ("name", "deploy"), ("expires", "1422403387.5")));
    }

    [Fact]
    public void Plan_NegativeExpires_RemovesAnExpiryOnly()
    {
        var set = Facts("deploy", "deploy:x:1001:1001:Deploy:/home/deploy:/bin/bash", $"deploy:{Hash}:19700:0:99999:7::16463:");

        var change = Assert.IsType<Change>(Plan(set, ("name", "deploy"), ("expires", "-1")));

        Assert.Equal("set -e\nusermod -e '' -- deploy\n", change.Script);
        Assert.IsType<NoChange>(Plan(Deploy(), ("name", "deploy"), ("expires", "-1")));
    }

    [Fact]
    public void Plan_NewUserWithExpires_UseraddDashE()
    {
        var change = Assert.IsType<Change>(Plan(Facts("temp", null), ("name", "temp"), ("expires", "0")));

        Assert.Contains("useradd -e 1970-01-01 -m -- temp", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ExpiresNotANumber_FailsNamingIt() =>
        Assert.Contains("'expires'", Assert.IsType<PlanFailure>(Plan(Deploy(), ("name", "deploy"), ("expires", "soon"))).Message, StringComparison.Ordinal);

    [Fact]
    public void Plan_EmptyShadowAgingField_ReadsAsMinusOne()
    {
        var facts = Facts("deploy", "deploy:x:1001:1001:Deploy:/home/deploy:/bin/bash", $"deploy:{Hash}:19700::::::");

        var plan = Plan(facts, ("name", "deploy"), ("password_expire_max", -1L), ("password_expire_warn", 7L));

        Assert.Equal("set -e\nchage -W 7 -- deploy\n", Assert.IsType<Change>(plan).Script);
    }

    [Fact]
    public void Plan_NewUserWithAging_ChageAfterUseradd()
    {
        var change = Assert.IsType<Change>(Plan(Facts("svc", null), ("name", "svc"), ("create_home", false), ("password_expire_max", 90L), ("password_expire_warn", 14L)));

        Assert.Equal("set -e\nuseradd -M -- svc\nchage -M 90 -W 14 -- svc\n", change.Script);
        Assert.Equal(["user svc created (password max age 90, password warn age 14)"], change.Changes);
    }

    [Fact]
    public void Plan_AgingWithoutShadowAccess_IsPlanFailure()
    {
        var facts = Facts("deploy", "deploy:x:1001:1001::/home/deploy:/bin/bash");

        var failure = Assert.IsType<PlanFailure>(Plan(facts, ("name", "deploy"), ("password_expire_max", 90L)));

        Assert.Contains("become", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ClearTextPassword_Warns()
    {
        var plan = Plan(Deploy(), ("name", "deploy"), ("password", "hunter2"));

        Assert.Contains(plan.Warnings, w => w.Contains("not to be hashed", StringComparison.Ordinal));
        Assert.Empty(Plan(Deploy(), ("name", "deploy"), ("password", Hash)).Warnings);
    }

    [Fact]
    public void Plan_PasswordLock_LocksAndUnlocks()
    {
        Assert.Equal("set -e\nusermod -L -- deploy\n", Assert.IsType<Change>(Plan(Deploy(), ("name", "deploy"), ("password_lock", true))).Script);
        Assert.Equal("set -e\nusermod -U -- deploy\n", Assert.IsType<Change>(Plan(Deploy(shadowHash: "!" + Hash), ("name", "deploy"), ("password_lock", false))).Script);
        Assert.IsType<NoChange>(Plan(Deploy(shadowHash: "!" + Hash), ("name", "deploy"), ("password_lock", true)));
    }

    [Fact]
    public void Plan_MissingHome_IsCreatedUnlessCreateHomeIsFalse()
    {
        var change = Assert.IsType<Change>(Plan(Deploy(homeExists: false), ("name", "deploy")));

        Assert.Equal("set -e\nmkdir -p -- /home\nmkhomedir_helper deploy\n", change.Script);
        Assert.Equal(["user deploy: home /home/deploy created"], change.Changes);
        Assert.IsType<NoChange>(Plan(Deploy(homeExists: false), ("name", "deploy"), ("create_home", false)));
    }

    [Fact]
    public void Plan_HomeChanges_MovedWithMoveHome()
    {
        var facts = Facts("deploy", "deploy:x:1001:1001::/home/deploy:/bin/bash", "deploy:*:1:0:99999:7:::", home: "/srv/deploy", requestedHomeExists: false);

        var change = Assert.IsType<Change>(new UserModule().Plan(Args(("name", "deploy"), ("home", "/srv/deploy"), ("move_home", true)), facts, Context));

        Assert.Equal("set -e\nusermod -d /srv/deploy -m -- deploy\n", change.Script);
    }

    [Fact]
    public void Plan_Absent_UserdelThenNoOp()
    {
        var change = Assert.IsType<Change>(Plan(Deploy(), ("name", "deploy"), ("state", "absent"), ("remove", true), ("force", true)));

        Assert.Equal("set -e\nuserdel -f -r -- deploy\n", change.Script);
        Assert.Equal(["user deploy removed with its home /home/deploy"], change.Changes);
        Assert.Contains(Subject.Tree("/home/deploy"), change.Touches!);
        Assert.IsType<NoChange>(Plan(Facts("deploy", null), ("name", "deploy"), ("state", "absent")));
    }

    [Theory]
    [InlineData("x'; touch /tmp/pwned; '")]
    [InlineData("-o")]
    [InlineData("a:b")]
    [InlineData("")]
    public void Plan_InvalidName_IsPlanFailure(string name)
    {
        Assert.IsType<PlanFailure>(Plan(Facts(name, null), ("name", name)));
        Assert.IsType<PlanFailure>(new GroupModule().Plan(Args(("name", name)), Facts(name, null), Context));
    }

    [Fact]
    public void UserFact_NumericNameAnsweredWithAnotherUser_IsMissing()
    {
        var state = new UserFact("1001").Parse("passwd:deploy:x:1001:1001::/home/deploy:/bin/bash\nhome:yes\n", 0);

        Assert.Null(state.Account);
    }

    [Fact]
    public void UserFact_ReadsRootOnThisMachine()
    {
        var cache = Gather([new UserFact("root", "/"), new UserFact("no-such-user-fleet")]);

        var root = cache.Get(new UserFact("root", "/"));
        Assert.Equal(0, root.Account!.Uid);
        Assert.Equal("/root", root.Account.Home);
        Assert.True(root.RequestedHomeExists);
        Assert.Null(cache.Get(new UserFact("no-such-user-fleet")).Account);
    }

    [Fact]
    public void GroupsFact_ParsesMembers()
    {
        var table = new GroupsFact().Parse("adm:x:4:syslog,deploy\nsudo:x:27:\n", 0);

        Assert.Equal(["adm"], table.MembershipOf("deploy"));
        Assert.Equal("sudo", table.Find("27")!.Name);
        Assert.Null(table.Find("wheel"));
    }

    [Fact]
    public void Group_CreateModifyRemove()
    {
        var facts = Facts("x", null);
        GroupModule group = new();

        var create = Assert.IsType<Change>(group.Plan(Args(("name", "ops"), ("gid", 2000L), ("system", true)), facts, Context));
        var same = group.Plan(Args(("name", "sudo"), ("gid", 27L)), facts, Context);
        var modify = Assert.IsType<Change>(group.Plan(Args(("name", "sudo"), ("gid", 28L)), facts, Context));
        var remove = Assert.IsType<Change>(group.Plan(Args(("name", "sudo"), ("state", "absent")), facts, Context));
        var gone = group.Plan(Args(("name", "ops"), ("state", "absent")), facts, Context);

        Assert.Equal("set -e\ngroupadd -g 2000 -r -- ops\n", create.Script);
        Assert.IsType<NoChange>(same);
        Assert.Equal("set -e\ngroupmod -g 28 -- sudo\n", modify.Script);
        Assert.Equal(["group sudo: gid 27 → 28"], modify.Changes);
        Assert.Equal("set -e\ngroupdel -- sudo\n", remove.Script);
        Assert.IsType<NoChange>(gone);
    }

    /// <summary>Every string parameter carries a hostile value: each must reach the tool as one literal argument, and run nothing.</summary>
    [Fact]
    public void Scripts_HostileValues_ReachTheToolsLiterally()
    {
        var canary = Path.Combine(_files.Dir, "CANARY");
        var hostile = $"x'; touch {canary}; '$(touch {canary})`touch {canary}`";
        var groups = Groups + $"{hostile}:x:3000:\n";
        var argsCreate = Args(("name", "newuser"), ("comment", hostile), ("home", "/h/" + hostile), ("shell", hostile), ("password", hostile), ("group", hostile), ("groups", new List<string> { "sudo", hostile }));
        var argsModify = Args(("name", "deploy"), ("comment", hostile), ("home", "/h/" + hostile), ("shell", hostile), ("password", hostile), ("groups", new List<string> { hostile }));

        var create = Assert.IsType<Change>(new UserModule().Plan(argsCreate, Facts("newuser", null, groups: groups, home: "/h/" + hostile, requestedHomeExists: true), Context));
        var modify = Assert.IsType<Change>(new UserModule().Plan(argsModify, Facts("deploy", "deploy:x:1001:1001::/home/deploy:/bin/sh", "deploy:*:1:::::", groups: groups, home: "/h/" + hostile, requestedHomeExists: true), Context));

        var createCalls = RunRecorded(create.Script);
        Assert.Equal(["mkdir", "-p", "--", ("/h/" + hostile)[..("/h/" + hostile).LastIndexOf('/')]], createCalls[0]);
        Assert.Equal(["useradd", "-g", hostile, "-G", "sudo", "-c", hostile, "-d", "/h/" + hostile, "-s", hostile, "-p", hostile, "-m", "--", "newuser"], createCalls[1]);
        Assert.Equal(["usermod", "-G", hostile, "-c", hostile, "-d", "/h/" + hostile, "-s", hostile, "-p", hostile, "--", "deploy"], Assert.Single(RunRecorded(modify.Script)));
        Assert.False(File.Exists(canary), "an injected command ran");
    }

    /// <summary>Runs a script with the account tools (and mkdir) replaced by stand-ins that record their arguments; returns each call's argv.</summary>
    private List<List<string>> RunRecorded(string script)
    {
        var bin = Path.Combine(_files.Dir, "bin");
        var log = Path.Combine(_files.Dir, "calls.log");
        Directory.CreateDirectory(bin);
        File.Delete(log);
        foreach (var tool in new[] { "useradd", "usermod", "userdel", "groupadd", "groupmod", "groupdel", "mkhomedir_helper", "mkdir" })
        {
            var path = Path.Combine(bin, tool);
            File.WriteAllText(path, $"#!/bin/sh\n{{ printf '%s\\037' {tool} \"$@\"; printf '\\036'; }} >> '{log}'\n");
            Assert.Equal(0, Sh($"chmod 0755 '{path}'").Exit);
        }

        var (exit, _, stderr) = Sh($"PATH='{bin}':$PATH\n{script}");
        Assert.True(exit == 0, stderr);
        return File.ReadAllText(log).Split('\u001e', StringSplitOptions.RemoveEmptyEntries)
            .Select(call => call.TrimEnd('\u001f').Split('\u001f').ToList()).ToList();
    }

    public void Dispose() => _files.Dispose();
}
