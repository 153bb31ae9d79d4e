using Fleet.Core.Modules;
using Fleet.Core.Modules.Pamd;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>
/// pamd: the planner's text against what community.general.pamd 6.6.2 wrote for the same file and arguments (each expected
/// text below was produced by Ansible, its timestamp fixed), then the module run for real on a temporary service file.
/// </summary>
public sealed class PamdModuleTests : IDisposable
{
    private const string Stamp = "2026-12-03T07:46:50.064579";

    private const string Service =
        "# service\nauth\t[success=1 default=ignore]\tpam_unix.so nullok\n# between\n\nauth\trequisite\t\t\tpam_deny.so\n@include common-account\nsession optional pam_motd.so  motd=/run/motd.dynamic\n";

    private readonly TempFiles _files = new();

    public static TheoryData<string, (string Key, object? Value)[], string> AnsibleWrote => new()
    {
        {
            "absent: the rule goes, every rule is re-laid out",
            [("type", "session"), ("control", "optional"), ("module_path", "pam_motd.so"), ("state", "absent")],
            "# service\n# Updated by Ansible - " + Stamp + "\nauth       [success=1 default=ignore] pam_unix.so nullok\n# between\n\nauth       requisite pam_deny.so\n@include common-account\n"
        },
        {
            "before: the comments between the two rules fall out, as in Ansible",
            [("type", "auth"), ("control", "requisite"), ("module_path", "pam_deny.so"), ("state", "before"), ("new_type", "auth"), ("new_control", "required"),
                ("new_module_path", "pam_faillock.so"), ("module_arguments", new List<string> { "preauth" })],
            "# service\n# Updated by Ansible - " + Stamp + "\nauth       [success=1 default=ignore] pam_unix.so nullok\nauth       required pam_faillock.so preauth\nauth       requisite pam_deny.so\n@include common-account\nsession    optional pam_motd.so motd=/run/motd.dynamic\n"
        },
        {
            "args_present: only the missing argument is added",
            [("type", "auth"), ("control", "[success=1 default=ignore]"), ("module_path", "pam_unix.so"), ("state", "args_present"), ("module_arguments", new List<string> { "audit", "nullok" })],
            "# service\n# Updated by Ansible - " + Stamp + "\nauth       [success=1 default=ignore] pam_unix.so nullok audit\n# between\n\nauth       requisite pam_deny.so\n@include common-account\nsession    optional pam_motd.so motd=/run/motd.dynamic\n"
        },
        {
            "updated: a complex control",
            [("type", "auth"), ("control", "requisite"), ("module_path", "pam_deny.so"), ("new_control", "[default=die]")],
            "# service\n# Updated by Ansible - " + Stamp + "\nauth       [success=1 default=ignore] pam_unix.so nullok\n# between\n\nauth       [default=die] pam_deny.so\n@include common-account\nsession    optional pam_motd.so motd=/run/motd.dynamic\n"
        },
    };

    [Theory]
    [MemberData(nameof(AnsibleWrote))]
    public void Edit_WritesWhatAnsibleWrote(string because, (string Key, object? Value)[] args, string expected)
    {
        var (text, changes) = PamdModule.Edit(Service, Args(args), Stamp);

        Assert.True(expected == text, because);
        Assert.True(changes > 0);
    }

    [Fact]
    public void Edit_NothingMatches_IsNoChange()
    {
        var (text, changes) = PamdModule.Edit(Service, Args(("type", "auth"), ("control", "required"), ("module_path", "pam_nothing.so"), ("state", "absent")), Stamp);

        Assert.Null(text);
        Assert.Equal(0, changes);
    }

    [Fact]
    public void Edit_MarkAlreadyThere_IsReplacedNotAdded()
    {
        var marked = "# x\n# Updated by Ansible - 2020-01-01T00:00:00\nauth required pam_a.so\nauth required pam_b.so\n";

        var (text, _) = PamdModule.Edit(marked, Args(("type", "auth"), ("control", "required"), ("module_path", "pam_b.so"), ("state", "absent")), Stamp);

        Assert.Equal($"# x\n# Updated by Ansible - {Stamp}\nauth       required pam_a.so\n", text);
    }

    [Fact]
    public void Edit_IndentedComment_FailsAsPamdDoes()
    {
        var ex = Assert.Throws<FormatException>(() => PamdModule.Edit("  # indented\nauth required pam_a.so\n",
            Args(("type", "auth"), ("control", "required"), ("module_path", "pam_a.so"), ("state", "args_present"), ("module_arguments", new List<string> { "x" })), Stamp));

        Assert.Equal("Rule is not valid   # indented", ex.Message);
    }

    [Fact]
    public void Edit_ArgsPresentWithBracketedArgument_IsRefused()
    {
        Assert.Throws<FormatException>(() => PamdModule.Edit(Service,
            Args(("type", "auth"), ("control", "requisite"), ("module_path", "pam_deny.so"), ("state", "args_present"), ("module_arguments", new List<string> { "[a=b]" })), Stamp));
    }

    [Fact]
    public void Plan_RunsOnTheFile_ThenIsNoOp_AndCheckModeWritesNothing()
    {
        var path = _files.Write("pam.d/sshd", Service);
        var args = Args(("name", "sshd"), ("path", Path.GetDirectoryName(path)), ("type", "session"), ("control", "optional"), ("module_path", "pam_motd.so"), ("state", "absent"));
        var module = new PamdModule();

        var checkOnly = Assert.IsType<Change>(Apply(module, args, checkMode: true));
        Assert.Equal(Service, File.ReadAllText(path));
        Assert.Contains("-session optional pam_motd.so", checkOnly.Diff, StringComparison.Ordinal);

        Assert.IsType<Change>(Apply(module, args));
        var second = Apply(module, args);

        Assert.DoesNotContain("pam_motd", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.IsType<NoChange>(second);
        Assert.Equal(0, second.Data["change_count"]);
    }

    [Fact]
    public void Plan_BeforeWithoutNewRule_FailsNamingTheMissingParameters()
    {
        var path = _files.Write("pam.d/login", Service);
        var plan = Apply(new PamdModule(), Args(("name", "login"), ("path", Path.GetDirectoryName(path)), ("type", "auth"), ("control", "requisite"), ("module_path", "pam_deny.so"), ("state", "before")));

        Assert.Equal("state is before but all of the following are missing: new_control, new_type, new_module_path", Assert.IsType<PlanFailure>(plan).Message);
    }

    public void Dispose() => _files.Dispose();
}
