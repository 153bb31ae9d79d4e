using Fleet.Core.Inputs;

namespace Fleet.Core.Tests.Inputs;

/// <summary>The one input pipeline: every error at once and located, limit then shard, roles path, the connection check.</summary>
public sealed class RunInputsTests : IDisposable
{
    private const string GoodPlaybook = "- name: Fine\n  hosts: all\n  tasks:\n    - name: Hello\n      command: echo hello\n";

    private readonly TempFiles _files = new();

    private string Inventory(string hosts = "web1: {}\n    web2: {}\n    db1: {}") => _files.Write("inventory.yml", $$"""
        all:
          hosts:
            {{hosts}}
          children:
            web:
              hosts:
                web1:
                web2:
        """);

    private static FleetInputException Rejected(RunInputsOptions options) => Assert.Throws<FleetInputException>(() => RunInputs.Load(options));

    [Fact]
    public void Load_EveryOptionAndFileProblem_IsThrownAtOnce()
    {
        var inventory = _files.Write("inventory.yml", "all:\n  hosts:\n    h1: { port: nope }\n");
        var playbook = _files.Write("pb.yml", "- name: Bad\n  hosts: all\n  tasks:\n    - name: typo\n      copyy: { dest: /x }\n");

        var ex = Rejected(new RunInputsOptions { Inventory = inventory, Playbooks = [playbook], Vars = ["novalue"], Shard = "0/2" });

        Assert.Contains(ex.Errors, e => e.Message == "-e expects key=value, @FILE or a YAML/JSON mapping, got 'novalue'");
        Assert.Contains(ex.Errors, e => e.Message.StartsWith("--shard must be I/N", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.ToString().StartsWith(inventory + ":3:", StringComparison.Ordinal) && e.Message.Contains("port", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.ToString().StartsWith(playbook + ":5:", StringComparison.Ordinal) && e.Message.Contains("copyy", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_EveryPlaybookProblem_IsCollectedAcrossFiles()
    {
        var first = _files.Write("a.yml", "- name: A\n  hosts: all\n  tasks:\n    - name: a\n      nosuchmodule: {}\n");
        var second = _files.Write("b.yml", "- name: B\n  hosts: all\n  tasks:\n    - name: b\n      othermodule: {}\n");

        var ex = Rejected(new RunInputsOptions { Inventory = Inventory(), Playbooks = [first, second] });

        Assert.Contains(ex.Errors, e => e.Location?.File.EndsWith("a.yml", StringComparison.Ordinal) == true);
        Assert.Contains(ex.Errors, e => e.Location?.File.EndsWith("b.yml", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("    - name: typo\n      nosuchmodule: {}\n")]
    [InlineData("    - name: undefined\n      command: echo {{ nowhere }}\n")]
    public void Load_ModuleFleetLacksBesideAnError_TheWarningComesWithTheErrors(string badTask)
    {
        var playbook = _files.Write("pb.yml", "- name: P\n  hosts: all\n  tasks:\n    - name: other family\n      dnf: { name: vim }\n      when: false\n" + badTask);

        var ex = Rejected(new RunInputsOptions { Inventory = Inventory(), Playbooks = [playbook] });

        Assert.NotEmpty(ex.Errors);
        var warning = Assert.Single(ex.Warnings);
        Assert.Contains("module dnf (ansible.builtin.dnf) is not implemented by Fleet", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LimitAndValidationProblems_AreReportedTogether()
    {
        var playbook = _files.Write("pb.yml", "- name: P\n  hosts: nosuchgroup\n  tasks: []\n");

        var ex = Rejected(new RunInputsOptions { Inventory = Inventory(), Playbooks = [playbook], Limit = "zz*" });

        Assert.Contains(ex.Errors, e => e.Message == $"--limit 'zz*' matches no host of {Path.Combine(_files.Dir, "inventory.yml")}");
        Assert.Contains(ex.Errors, e => e.ToString().StartsWith(playbook + ":1:", StringComparison.Ordinal) && e.Message.Contains("nosuchgroup", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BadLimitPattern_NamesTheOption()
    {
        var ex = Rejected(new RunInputsOptions { Inventory = Inventory(), Limit = "web[" });

        Assert.StartsWith("--limit: bad host pattern 'web['", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoInventory_IsRequiredUnlessOptional()
    {
        var playbook = _files.Write("pb.yml", GoodPlaybook);

        var ex = Rejected(new RunInputsOptions { Playbooks = [playbook] });
        var validated = RunInputs.Load(new RunInputsOptions { Playbooks = [playbook], InventoryOptional = true });

        Assert.Equal("an inventory is required: -i FILE", Assert.Single(ex.Errors).Message);
        Assert.False(validated.HasInventory);
        Assert.Single(validated.Playbooks);
        Assert.Empty(validated.SelectedHosts);
    }

    [Fact]
    public void Load_EmptyPlaybookList_IsAnError_NoList_IsACommandWithout()
    {
        var ex = Rejected(new RunInputsOptions { Inventory = Inventory(), Playbooks = [] });
        var ping = RunInputs.Load(new RunInputsOptions { Inventory = Inventory() });

        Assert.Equal("at least one playbook is required", Assert.Single(ex.Errors).Message);
        Assert.Empty(ping.Playbooks);
        Assert.Equal(3, ping.SelectedHosts.Count);
    }

    [Fact]
    public void Load_LimitAtFile_ReadsOnePatternALine_AsAnsiblesRetryFile()
    {
        var retry = _files.Write("site.retry", "web1\n\n  db1  \n");

        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = Inventory(), Limit = "@" + retry });
        var missing = Rejected(new RunInputsOptions { Inventory = Inventory(), Limit = "web2:@/nonexistent.retry" });

        Assert.Equal(["web1", "db1"], inputs.LimitedHosts.Select(h => h.Name));
        Assert.Contains(missing.Errors, e => e.Message == "--limit @/nonexistent.retry: /nonexistent.retry is not a file of host patterns");
    }

    [Fact]
    public void Load_PlaybooksInTwoDirectoriesWithGroupVars_AreRefused()
    {
        _files.Write("a/group_vars/all.yml", "x: 1\n");
        _files.Write("b/host_vars/web1.yml", "x: 2\n");

        var ex = Rejected(new RunInputsOptions { Inventory = Inventory(), Playbooks = [_files.Write("a/site.yml", GoodPlaybook), _files.Write("b/site.yml", GoodPlaybook)] });

        Assert.Contains(ex.Errors, e => e.Message.Contains("each have group_vars/ or host_vars/", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_LimitThenShard_SelectsAStableSplitOfTheLimitedHosts()
    {
        var hosts = string.Join("\n    ", Enumerable.Range(1, 20).Select(i => $"web{i}: {{}}")) + "\n    db1: {}";
        var inventory = _files.Write("inventory.yml", $"all:\n  hosts:\n    {hosts}\n");
        var limit = "web*";

        var shards = Enumerable.Range(1, 3).Select(i => RunInputs.Load(new RunInputsOptions { Inventory = inventory, Limit = limit, Shard = $"{i}/3" })).ToList();

        var limited = shards[0].LimitedHosts.Select(h => h.Name).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"web{i}"), limited);
        Assert.All(shards, s => Assert.Equal(limited, s.LimitedHosts.Select(h => h.Name)));
        var selected = shards.SelectMany(s => s.SelectedHosts.Select(h => h.Name)).ToList();
        Assert.Equal(limited.Order(), selected.Order()); // every limited host in exactly one shard
        Assert.All(shards, s => Assert.Equal(new Shard(shards.IndexOf(s) + 1, 3), s.Shard));
        Assert.Equal("web*", shards[0].Limit);
    }

    [Fact]
    public void Load_NoLimitNoShard_SelectsEveryHost()
    {
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = Inventory() });

        Assert.Equal(["web1", "web2", "db1"], inputs.SelectedHosts.Select(h => h.Name));
        Assert.Null(inputs.Shard);
    }

    [Fact]
    public void Load_ChecksConnections_OnlyOfTheHostsTheRunTargets()
    {
        var inventory = _files.Write("inventory.yml", """
            all:
              hosts:
                web1: {}
                db1: { identity_file: /nonexistent/fleet-key }
              children:
                web:
                  hosts:
                    web1:
            """);
        var webOnly = _files.Write("web.yml", "- name: W\n  hosts: web\n  tasks: []\n");

        var targeted = Rejected(new RunInputsOptions { Inventory = inventory });
        var untargeted = RunInputs.Load(new RunInputsOptions { Inventory = inventory, Playbooks = [webOnly] });
        var limitedAway = RunInputs.Load(new RunInputsOptions { Inventory = inventory, Limit = "web1" });
        var notConnecting = RunInputs.Load(new RunInputsOptions { Inventory = inventory, CheckTargets = false });

        Assert.Contains("identity file not found: /nonexistent/fleet-key (host db1)", Assert.Single(targeted.Errors).Message, StringComparison.Ordinal);
        Assert.Single(untargeted.Playbooks);
        Assert.Equal(["web1"], limitedAway.SelectedHosts.Select(h => h.Name));
        Assert.Equal(2, notConnecting.SelectedHosts.Count);
    }

    [Fact]
    public void Load_RolesPath_FindsRolesOutsideThePlaybooksDirectory()
    {
        var roles = Path.Combine(_files.Dir, "shared-roles");
        _files.Write("shared-roles/greet/tasks/main.yml", "- name: hello\n  command: echo hello\n");
        var playbook = _files.Write("play/pb.yml", "- name: P\n  hosts: all\n  roles: [greet]\n");

        var missing = Rejected(new RunInputsOptions { Inventory = Inventory(), Playbooks = [playbook], RolesPath = "/nonexistent" });
        var found = RunInputs.Load(new RunInputsOptions { Inventory = Inventory(), Playbooks = [playbook], RolesPath = "/nonexistent:" + roles });

        Assert.Contains(missing.Errors, e => e.Message.Contains("greet", StringComparison.Ordinal));
        Assert.Single(found.Playbooks);
    }

    [Fact]
    public void Load_ExtraVars_AreReadAsAnsibleDoesAndUsedByValidation()
    {
        var playbook = _files.Write("pb.yml", "- name: P\n  hosts: all\n  tasks:\n    - name: file\n      file: { path: /tmp/x, mode: \"{{ wanted_mode }}\" }\n");

        var withoutVar = Rejected(new RunInputsOptions { Inventory = Inventory(), Playbooks = [playbook] });
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = Inventory(), Playbooks = [playbook], Vars = ["wanted_mode=0644", "{port: 22}", "text_port=22"] });

        Assert.Contains(withoutVar.Errors, e => e.Message.Contains("wanted_mode", StringComparison.Ordinal));
        Assert.Equal("0644", inputs.ExtraVars["wanted_mode"]);
        Assert.Equal(22L, inputs.ExtraVars["port"]);
        Assert.Equal("22", inputs.ExtraVars["text_port"]);
    }

    [Fact]
    public void Load_UserAndPrivateKeyOptions_RankBelowEveryInventoryVariable()
    {
        var key = _files.Write("id_test", "not a key");
        var inventory = _files.Write("users.yml", "all:\n  hosts:\n    plain: {}\n    named: { ansible_user: deploy, ansible_ssh_private_key_file: /keys/named }\n  children:\n    ops:\n      vars: { user: operator }\n      hosts: { grouped: {} }\n");

        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = inventory, User = "admin", PrivateKey = key, CheckTargets = false });
        var targets = inputs.Inventory.Hosts.ToDictionary(h => h.Name, h => inputs.Inventory.ResolveTarget(h));

        Assert.Equal(("admin", key), (targets["plain"].User, targets["plain"].IdentityFile));
        Assert.Equal(("deploy", "/keys/named"), (targets["named"].User, targets["named"].IdentityFile));
        Assert.Equal("operator", targets["grouped"].User);
    }

    public void Dispose() => _files.Dispose();
}
