using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Cron;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>cron: the crontab edits as data (text before, arguments, text after) and the scripts that write them.</summary>
public sealed class CronModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    private static readonly ModuleContext Context = new("h", CheckMode: false, ".");

    /// <summary>Plans against a user crontab holding <paramref name="crontab"/>.</summary>
    private static TaskPlan PlanOn(string crontab, params (string Key, object? Value)[] args)
    {
        var arguments = Args(args);
        var facts = new FactCache();
        facts.Set(new CrontabFact(arguments.GetString("user")), new CrontabState(CrontabStatus.Read, crontab));
        return new CronModule().Plan(arguments, facts, Context);
    }

    /// <summary>The crontab text the plan writes (decoded from its script).</summary>
    private static string Written(TaskPlan plan) =>
        Assert.IsType<CrontabState>(Assert.IsType<Change>(plan).Predicted![Assert.Single(Assert.IsType<Change>(plan).Predicted!.Keys)]).Text;

    [Theory]
    [InlineData("", "#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n")]
    [InlineData("MAILTO=root\n# mine\n", "MAILTO=root\n# mine\n#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n")]
    [InlineData("#Ansible: backup\n5 5 * * * /old\n# keep\n", "#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n# keep\n")]
    [InlineData("#Ansible: backup\n5 5 * * * /old\n#Ansible: other\n1 1 * * * x\n#Ansible: backup\n6 6 * * * /older\n", "#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n#Ansible: other\n1 1 * * * x\n")]
    [InlineData("0 2 * * * /usr/local/bin/backup\n", "#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n")]
    [InlineData("#Ansible: backup\n", "#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n")]
    public void Plan_Job_EditsLikeAnsibleWithoutDuplicates(string before, string expected)
    {
        var plan = PlanOn(before, ("name", "backup"), ("minute", "0"), ("hour", "2"), ("job", "/usr/local/bin/backup"), ("user", "root"));

        Assert.Equal(expected, Written(plan));
        Assert.Single((IReadOnlyList<string>)Assert.IsType<Change>(plan).Data["jobs"]!, j => j == "backup");
    }

    [Fact]
    public void Plan_JobAlreadyPresent_IsNoOp()
    {
        var plan = PlanOn("#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n", ("name", "backup"), ("minute", "0"), ("hour", "2"), ("job", "/usr/local/bin/backup"));

        Assert.IsType<NoChange>(plan);
        Assert.Equal(["backup"], (IReadOnlyList<string>)plan.Data["jobs"]!);
    }

    [Fact]
    public void Plan_SecondRunOnItsOwnResult_IsNoOp()
    {
        var args = new (string, object?)[] { ("name", "n"), ("special_time", "weekly"), ("job", "lynis audit system --cronjob"), ("user", "root") };

        var first = Written(PlanOn("", args));

        Assert.Equal("#Ansible: n\n@weekly lynis audit system --cronjob\n", first);
        Assert.IsType<NoChange>(PlanOn(first, args));
    }

    [Fact]
    public void Plan_MissingTrailingNewline_IsAChange() =>
        Assert.Equal("#Ansible: a\n* * * * * x\n", Written(PlanOn("#Ansible: a\n* * * * * x", ("name", "a"), ("job", "x"))));

    [Fact]
    public void Plan_Disabled_CommentsTheJobOut() =>
        Assert.Equal("#Ansible: a\n#* * * * * x\n", Written(PlanOn("#Ansible: a\n* * * * * x\n", ("name", "a"), ("job", "x"), ("disabled", true))));

    [Theory]
    [InlineData("#Ansible: a\n* * * * * x\n#Ansible: b\n1 1 * * * y\n#Ansible: a\n2 2 * * * z\n", "#Ansible: b\n1 1 * * * y\n")]
    [InlineData("#Ansible: b\n1 1 * * * y\n", null)]
    public void Plan_Absent_RemovesEveryBlockOfTheName(string before, string? expected)
    {
        var plan = PlanOn(before, ("name", "a"), ("state", "absent"));

        if (expected is null)
        {
            Assert.IsType<NoChange>(plan);
        }
        else
        {
            Assert.Equal(expected, Written(plan));
        }
    }

    [Theory]
    [InlineData("#Ansible: a\n* * * * * x\n", null, null, "PATH=\"/usr/bin:/bin\"\n#Ansible: a\n* * * * * x\n")]
    [InlineData("SHELL=/bin/sh\nMAILTO=root\n", "SHELL", null, "SHELL=/bin/sh\nPATH=\"/usr/bin:/bin\"\nMAILTO=root\n")]
    [InlineData("SHELL=/bin/sh\nMAILTO=root\n", null, "MAILTO", "SHELL=/bin/sh\nPATH=\"/usr/bin:/bin\"\nMAILTO=root\n")]
    [InlineData("PATH=/old\nX=1\nPATH=/older\n", null, null, "PATH=\"/usr/bin:/bin\"\nX=1\n")]
    public void Plan_Env_DeclaresOnceWhereAsked(string before, string? after, string? beforeVar, string expected) =>
        Assert.Equal(expected, Written(PlanOn(before, ("name", "PATH"), ("env", true), ("job", "/usr/bin:/bin"), ("insertafter", after), ("insertbefore", beforeVar))));

    [Fact]
    public void Plan_Env_InsertAfterUnknownVariable_Fails() =>
        Assert.Equal("Variable named 'NOPE' not found.", Assert.IsType<PlanFailure>(PlanOn("", ("name", "PATH"), ("env", true), ("job", "/bin"), ("insertafter", "NOPE"))).Message);

    [Fact]
    public void Plan_EnvAbsent_RemovesTheDeclaration() =>
        Assert.Equal("X=1\n", Written(PlanOn("PATH=\"/bin\"\nX=1\n", ("name", "PATH"), ("env", true), ("state", "absent"))));

    [Theory]
    [InlineData("job", "a\nb")]
    [InlineData("name", "a\nb")]
    [InlineData("minute", "1\n* * * * * touch /tmp/pwned #")]
    public void Plan_LineBreakInAValue_FailsInsteadOfAddingLines(string parameter, string value)
    {
        var args = new Dictionary<string, object?> { ["name"] = "a", ["job"] = "x", [parameter] = value };

        var plan = PlanOn("", [.. args.Select(kv => (kv.Key, kv.Value))]);

        Assert.Contains("line breaks", Assert.IsType<PlanFailure>(plan).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "special_time", "daily", "minute", "5" }, "You must specify time and date fields or special time.")]
    [InlineData(new[] { "cron_file", "x" }, "To use cron_file=... parameter you must specify user=... as well")]
    [InlineData(new[] { "cron_file", "/etc/crontab", "user", "root" }, "Will not manage /etc/crontab via cron_file, see documentation.")]
    [InlineData(new[] { "insertafter", "PATH" }, "Insertafter and insertbefore parameters are valid only with env=yes")]
    [InlineData(new[] { "minute", "1 2" }, "minute must be one cron field without spaces, not '1 2'")]
    public void Plan_InvalidCombination_FailsWithAnsiblesMessage(string[] extra, string message)
    {
        var args = new List<(string, object?)> { ("name", "a"), ("job", "x") };
        for (var i = 0; i < extra.Length; i += 2)
        {
            args.Add((extra[i], extra[i + 1]));
        }

        var arguments = Args([.. args]);
        var facts = new FactCache();
        foreach (var fact in new CronModule().Facts(arguments, Context))
        {
            facts.Set(fact, fact is FileFact ? FileState.Missing : new CrontabState(CrontabStatus.Read, ""));
        }

        Assert.Equal(message, Assert.IsType<PlanFailure>(new CronModule().Plan(arguments, facts, Context)).Message);
    }

    [Theory]
    [InlineData(CrontabStatus.NoSuchUser, "user ghost does not exist")]
    [InlineData(CrontabStatus.NoCrontabCommand, "crontab is not installed (package cron)")]
    public void Plan_CrontabUnreadable_Fails(CrontabStatus status, string message)
    {
        var facts = new FactCache();
        facts.Set(new CrontabFact("ghost"), new CrontabState(status, ""));

        var plan = new CronModule().Plan(Args(("name", "a"), ("job", "x"), ("user", "ghost")), facts, Context);

        Assert.Equal(message, Assert.IsType<PlanFailure>(plan).Message);
    }

    [Fact]
    public void Plan_HostileUser_IsQuotedInTheScript()
    {
        var hostile = "x'; touch /tmp/pwned; '";

        var change = Assert.IsType<Change>(PlanOn("", ("name", "a"), ("job", "$(touch /tmp/pwned)"), ("user", hostile)));

        Assert.Contains("crontab -u 'x'\\''; touch /tmp/pwned; '\\''' - < \"$t\"", change.Script, StringComparison.Ordinal);
        Assert.DoesNotContain("$(touch", change.Script, StringComparison.Ordinal); // the job travels in base64
        Assert.Equal("#Ansible: a\n* * * * * $(touch /tmp/pwned)\n", Written(change));
        Assert.Equal([Subject.Path("/var/spool/cron/crontabs/" + hostile)], change.Touches);
    }

    [Fact]
    public void Plan_Change_ShowsAUnifiedDiff()
    {
        var change = Assert.IsType<Change>(PlanOn("#Ansible: a\n1 * * * * x\n", ("name", "a"), ("minute", "2"), ("job", "x"), ("user", "root")));

        Assert.Equal("--- crontab for user root (before)\n+++ crontab for user root (after)\n@@ -1,2 +1,2 @@\n #Ansible: a\n-1 * * * * x\n+2 * * * * x\n", change.Diff);
        Assert.Equal(["job 'a' updated in the crontab of root"], change.Changes);
    }

    [Fact]
    public void CrontabFact_ParsesEveryAnswer()
    {
        var fact = new CrontabFact("u");

        Assert.Equal(new CrontabState(CrontabStatus.Read, "a\n"), fact.Parse("ok\nYQo=\n", 0));
        Assert.Equal(new CrontabState(CrontabStatus.Read, ""), fact.Parse("error\nno crontab for u\n", 0));
        Assert.Equal(CrontabStatus.Error, fact.Parse("error\ncrontab: permission denied\n", 0).Status);
        Assert.Equal(CrontabStatus.NoSuchUser, fact.Parse("nouser\n", 0).Status);
    }

    [Fact]
    public void CrontabFact_OnThisMachine_ReadsAnUnknownUserAsMissing()
    {
        var fact = new CrontabFact("fleet-no-such-user-'$(touch /tmp/pwned)'");

        Assert.Equal(CrontabStatus.NoSuchUser, Gather([fact]).Get(fact).Status);
    }

    [Fact]
    public void CronFile_WrittenWithUserField_ThenNoOp_ThenRemovedWhenEmpty()
    {
        var path = Path.Combine(_files.Dir, "fleet-lynis");
        var args = Args(("name", "lynis weekly"), ("cron_file", path), ("user", "root"), ("special_time", "weekly"), ("job", "/usr/sbin/lynis audit system --cronjob > /dev/null"));

        var first = Assert.IsType<Change>(Apply(new CronModule(), args));
        var second = Apply(new CronModule(), args);

        Assert.Equal($"job 'lynis weekly' added to {path}", Assert.Single(first.Changes));
        Assert.Equal("#Ansible: lynis weekly\n@weekly root /usr/sbin/lynis audit system --cronjob > /dev/null\n", File.ReadAllText(path));
        Assert.Equal("0644", Gather([new FileFact(path)]).Get(new FileFact(path)).Mode);
        Assert.IsType<NoChange>(second);

        Apply(new CronModule(), Args(("name", "lynis weekly"), ("cron_file", path), ("state", "absent")));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void CronFile_HostileValues_AreWrittenLiterally()
    {
        // The file name cannot hold a slash: an injected touch would create CANARY-cron in the shell's working directory.
        var canary = Path.Combine(Environment.CurrentDirectory, "CANARY-cron");
        var path = Path.Combine(_files.Dir, "x'; touch CANARY-cron; '");
        var hostile = $"x'; touch {canary}; '";

        var plan = Assert.IsType<Change>(Apply(new CronModule(), Args(("name", hostile), ("cron_file", path), ("user", "root"), ("job", $"$(touch {canary})"))));

        Assert.Equal($"#Ansible: {hostile}\n* * * * * root $(touch {canary})\n", File.ReadAllText(path));
        Assert.False(File.Exists(canary), "an injected command ran");
        Assert.Contains("should consist solely of", Assert.Single(plan.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void CronFile_RelativeName_IsUnderEtcCronD() =>
        Assert.Equal([new FileFact("/etc/cron.d/fleet-x", WithContent: true)], new CronModule().Facts(Args(("name", "a"), ("cron_file", "fleet-x")), Context));

    public void Dispose() => _files.Dispose();
}
