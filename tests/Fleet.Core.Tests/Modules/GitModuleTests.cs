using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Git;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>git: the planner from recorded checkouts and remote refs to Ansible's git commands, and a real clone and update with this machine's git.</summary>
public sealed class GitModuleTests : IDisposable
{
    private const string Main = "1111111111111111111111111111111111111111";
    private const string Next = "2222222222222222222222222222222222222222";
    private const string TagObject = "3333333333333333333333333333333333333333";
    private static readonly Dictionary<string, string> Refs = new() { ["HEAD"] = Main, ["refs/heads/main"] = Main, ["refs/heads/next"] = Next, ["refs/tags/v1"] = TagObject, ["refs/tags/v1^{}"] = Next };
    private static readonly GitCheckout Absent = new(false, null, null, null, false, Refs);
    private static readonly GitCheckout OnMain = new(true, Main, "main", "file:///srv/repo", false, Refs);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-git-test-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static TaskPlan Plan(GitCheckout state, params (string Key, object? Value)[] args)
    {
        var arguments = Args([("repo", "/srv/repo"), ("dest", "/opt/app"), .. args]);
        return GitModule.Plan(arguments, new GitCheckoutFact("/opt/app", "file:///srv/repo", "origin", arguments.GetBool("bare", false), ""), state);
    }

    [Fact]
    public void Plan_NoCheckout_ClonesAsAnsibleWithThePathAsFileUrl()
    {
        var plan = Assert.IsType<Change>(Plan(Absent));

        Assert.Contains("git clone --origin origin file:///srv/repo /opt/app\n", plan.Script, StringComparison.Ordinal);
        Assert.Equal((null, Main), (plan.Data["before"], plan.Data["after"]));
    }

    [Fact]
    public void Plan_ShallowSingleBranchClone_OfABranch_NamesIt()
    {
        var plan = Assert.IsType<Change>(Plan(Absent, ("version", "next"), ("depth", 1L), ("single_branch", true)));

        Assert.Contains("git clone --origin origin --depth 1 --branch next --single-branch --branch next file:///srv/repo /opt/app\n", plan.Script, StringComparison.Ordinal);
        Assert.Contains("checkout --track -b next origin/next", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_DepthWithACommit_IsIgnoredWithAnsiblesWarning()
    {
        var plan = Assert.IsType<Change>(Plan(Absent, ("version", Next), ("depth", 1L)));

        Assert.DoesNotContain("--depth", plan.Script, StringComparison.Ordinal);
        Assert.Equal(["Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec."], plan.Warnings);
    }

    [Fact]
    public void Plan_AtTheRemotesCommit_IsNoOp() =>
        Assert.IsType<NoChange>(Plan(OnMain));

    [Fact]
    public void Plan_AnnotatedTag_ComparesTheCommitItPointsTo()
    {
        Assert.IsType<NoChange>(Plan(OnMain with { Head = Next, Branch = null }, ("version", "v1")));
        var plan = Assert.IsType<Change>(Plan(OnMain, ("version", "v1")));
        Assert.Contains("git -C /opt/app fetch --tags origin\ngit -C /opt/app checkout --force v1\n", plan.Script, StringComparison.Ordinal);
        Assert.Equal(Next, plan.Data["after"]);
    }

    [Fact]
    public void Plan_LocalChanges_FailWithoutForce_ResetWithForce()
    {
        var dirty = OnMain with { LocalChanges = true };

        Assert.Equal("Local modifications exist in the destination: /opt/app (force=no).", Assert.IsType<PlanFailure>(Plan(dirty)).Message);
        var plan = Assert.IsType<Change>(Plan(dirty, ("force", true)));
        Assert.StartsWith("set -e\nexport LC_ALL=C\ngit -C /opt/app reset --hard HEAD --\n", plan.Script, StringComparison.Ordinal);
        Assert.Contains("fetch --tags --force origin", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OtherRemoteUrl_SetsIt()
    {
        var plan = Assert.IsType<Change>(Plan(OnMain with { RemoteUrl = "https://example.org/old.git" }));

        Assert.Contains("git -C /opt/app remote set-url origin file:///srv/repo\n", plan.Script, StringComparison.Ordinal);
        Assert.Equal(true, plan.Data["remote_url_changed"]);
    }

    [Fact]
    public void Plan_UpdateNo_LeavesTheCheckout_CloneNo_OnlyReportsTheRemote()
    {
        Assert.IsType<NoChange>(Plan(OnMain with { Head = Next }, ("update", false)));
        var plan = Assert.IsType<Change>(Plan(Absent, ("clone", false)));
        Assert.True(plan.ReadOnly);
        Assert.Equal("true", plan.Script);
    }

    [Fact]
    public void Plan_UnknownBranchOrTag_WithNoSuchRemoteHead_Fails() =>
        Assert.Equal("Could not determine remote revision for HEAD", Assert.IsType<PlanFailure>(Plan(Absent with { RemoteRefs = new Dictionary<string, string>() })).Message);

    [Fact]
    public void Plan_ValuesWithShellText_AreQuoted()
    {
        var plan = Assert.IsType<Change>(Plan(Absent, ("version", "x;touch /tmp/owned")));

        Assert.Contains("checkout --force 'x;touch /tmp/owned'", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_SameCommitAfterTheScript_IsOk_MovedIsChanged()
    {
        var module = new GitModule();
        var change = new Change(["/opt/app: a → b"], "git …") { Data = new Dictionary<string, object?> { ["before"] = Main, ["after"] = Main[..7] } };

        Assert.Equal(TaskOutcome.Ok, module.Complete(change, new CommandResult(0, $"after={Main}\n", "", TimeSpan.Zero), Args()).Status);
        var moved = module.Complete(change, new CommandResult(0, $"after={Next}\n", "", TimeSpan.Zero), Args());
        Assert.Equal((TaskOutcome.Changed, (object?)Next), (moved.Status, moved.Data!["after"]));
    }

    [Fact]
    public void Apply_LocalRepository_ClonesThenNoOpThenFollowsANewCommit()
    {
        var origin = Path.Combine(_dir.FullName, "origin");
        var dest = Path.Combine(_dir.FullName, "checkout");
        var (exit, _, error) = Sh($"set -e; git init -q -b main '{origin}'; cd '{origin}'; echo one > f; git add f; git -c user.name=t -c user.email=t@t commit -q -m one");
        Assert.True(exit == 0, error);
        var module = new GitModule();
        var args = Args(("repo", origin), ("dest", dest));

        Assert.IsType<Change>(Apply(module, args));
        Assert.Equal("one\n", File.ReadAllText(Path.Combine(dest, "f")));
        Assert.IsType<NoChange>(Apply(module, args));

        Sh($"cd '{origin}'; echo two > f; git -c user.name=t -c user.email=t@t commit -q -am two");
        Assert.IsType<Change>(Apply(module, args));
        Assert.Equal("two\n", File.ReadAllText(Path.Combine(dest, "f")));
        Assert.IsType<NoChange>(Apply(module, args));
    }

    [Theory]
    [InlineData("refspec: '+refs/pull/*:refs/heads/*'", "unknown parameter 'refspec'")]
    [InlineData("key_file: /root/.ssh/deploy", "unknown parameter 'key_file'")]
    [InlineData("archive: /tmp/app.zip", "unknown parameter 'archive'")]
    [InlineData("accept_hostkey: true, accept_newhostkey: true", "accept_hostkey|accept_newhostkey")]
    public void Validate_WhatFleetDoesNotDo_IsAnErrorNamingIt(string extra, string message)
    {
        var errors = Validate($"git: {{ repo: /srv/repo, dest: /opt/app, {extra} }}");

        Assert.Contains(errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ansible.builtin.git: { name: https://example.org/app.git, dest: /opt/app, version: v1, depth: 1 }")]
    [InlineData("ansible.builtin.reboot: { reboot_timeout: 300 }")]
    public void Load_GitAndReboot_AreFleetsOwn_NotAnotherSystemsModule(string task)
    {
        var path = Path.Combine(_dir.FullName, "play.yml");
        File.WriteAllText(path, $"- hosts: all\n  tasks:\n    - {task}\n");

        var playbook = PlaybookLoader.Load(path, ModuleCatalog.Default);

        Assert.Null(playbook.Plays[0].Tasks[0].Keywords.Unavailable);
        Assert.Empty(Validate(task));
    }

    private IReadOnlyList<InputError> Validate(string task)
    {
        var inventory = Path.Combine(_dir.FullName, "inv.yml");
        File.WriteAllText(inventory, "all:\n  hosts:\n    h1:\n");
        var path = Path.Combine(_dir.FullName, "validate.yml");
        File.WriteAllText(path, $"- hosts: all\n  tasks:\n    - {task}\n");
        try
        {
            return PlaybookValidator.Validate([PlaybookLoader.Load(path, ModuleCatalog.Default)], InventoryLoader.Load(inventory), new Dictionary<string, object?>(), ModuleCatalog.Default);
        }
        catch (FleetInputException ex)
        {
            return ex.Errors;
        }
    }
}
