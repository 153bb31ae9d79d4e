using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.AptSources;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>apt_repository: Ansible's file naming, matching (whitespace-blind, commented copies enabled), removal, the update and its revert.</summary>
public sealed class AptRepositoryModuleTests
{
    private const string Chrome = "deb http://dl.google.com/linux/chrome/deb/ stable main";

    private static TaskPlan Plan(IReadOnlyList<(string, string)> files, params (string, object?)[] args)
    {
        var cache = new FactCache();
        cache.Set(new AptSourcesFact(), files);
        return new AptRepositoryModule().Plan(Args(args), cache, new ModuleContext("h", false, "/tmp"));
    }

    [Theory]
    [InlineData(Chrome, null, "/etc/apt/sources.list.d/dl_google_com_linux_chrome_deb.list")]
    [InlineData("deb [arch=amd64 signed-by=/k.gpg] https://user:pw@repo.example.org:8080/debian bookworm main", null, "/etc/apt/sources.list.d/repo_example_org_8080_debian.list")]
    [InlineData("deb [trusted=yes] file:/var/lib/fleet-lab/repo ./", null, "/etc/apt/sources.list.d/file_var_lib_fleet_lab_repo.list")]
    [InlineData(Chrome, "google-chrome", "/etc/apt/sources.list.d/google-chrome.list")]
    [InlineData(Chrome, "/etc/apt/sources.list", "/etc/apt/sources.list")]
    public void FileFor_NamesTheFileAsAnsible(string repo, string? filename, string expected) =>
        Assert.Equal(expected, AptRepositoryModule.FileFor(filename, repo));

    [Fact]
    public void Plan_NewSource_CreatesItsOwnFile_WithModeAndUpdate()
    {
        var change = Assert.IsType<Change>(Plan([("/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n")], ("repo", Chrome), ("mode", "0600")));

        Assert.Equal(["/etc/apt/sources.list.d/dl_google_com_linux_chrome_deb.list created with " + Chrome, "update the apt cache"], change.Changes);
        Assert.Contains("+" + Chrome, change.Diff, StringComparison.Ordinal);
        Assert.Contains("chmod 0600", change.Script, StringComparison.Ordinal);
        Assert.Contains("apt-get -q update", change.Script, StringComparison.Ordinal);
        Assert.Equal("present", change.Data["state"]);
    }

    [Fact]
    public void Plan_SameSourceWithOtherSpacing_IsNoChange() =>
        Assert.IsType<NoChange>(Plan([("/etc/apt/sources.list.d/x.list", "deb   http://dl.google.com/linux/chrome/deb/  stable main # mine\n")], ("repo", Chrome)));

    [Fact]
    public void Plan_CommentedOutCopy_IsEnabledInPlace_NotAddedElsewhere()
    {
        var change = Assert.IsType<Change>(Plan([("/etc/apt/sources.list", "# a header\n#" + Chrome + "\n")], ("repo", Chrome), ("update_cache", false)));

        Assert.Equal(["/etc/apt/sources.list: source enabled or added"], change.Changes);
        Assert.Contains("-# " + Chrome + "\n+" + Chrome, change.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain("apt-get", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Absent_RemovesEveryEnabledCopy_AndAFileLeftEmpty()
    {
        var change = Assert.IsType<Change>(Plan(
            [("/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm main\n" + Chrome + "\n"), ("/etc/apt/sources.list.d/chrome.list", Chrome + "\n")],
            ("repo", Chrome), ("state", "absent"), ("update_cache", false)));

        Assert.Equal(["/etc/apt/sources.list: source removed", "/etc/apt/sources.list.d/chrome.list removed (no source left)"], change.Changes);
        Assert.Contains("rm -f /etc/apt/sources.list.d/chrome.list", change.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AbsentAndMissing_IsNoChange() =>
        Assert.IsType<NoChange>(Plan([("/etc/apt/sources.list", "#" + Chrome + "\n")], ("repo", Chrome), ("state", "absent")));

    [Theory]
    [InlineData("ppa:deadsnakes/ppa", "ppa: sources are not supported")]
    [InlineData("http://example.org/debian stable main", "Invalid repository string")]
    [InlineData("# deb http://example.org/debian stable main", "Invalid repository string")]
    public void Plan_PpaOrNoSourceLine_IsPlanFailure(string repo, string message) =>
        Assert.Contains(message, Assert.IsType<PlanFailure>(Plan([], ("repo", repo))).Message, StringComparison.Ordinal);

    [Fact]
    public void Plan_Codename_WarnsItOnlyAppliesToPpa() =>
        Assert.Contains("codename", Assert.Single(Plan([], ("repo", Chrome), ("codename", "bookworm")).Warnings), StringComparison.Ordinal);

    [Fact]
    public void Script_FailedUpdate_PutsTheSourcesBack_AndFails()
    {
        using var fakes = new FakeCommands();
        fakes.Add("apt-get", "echo 'E: Failed to fetch http://x/ Could not resolve'; exit 100");
        var dir = Directory.CreateTempSubdirectory("fleet-apt-repo-");
        try
        {
            var file = Path.Combine(dir.FullName, "own.list");
            File.WriteAllText(file, "deb http://old.example.org/debian bookworm main\n");
            var change = Assert.IsType<Change>(Plan([(file, File.ReadAllText(file))], ("repo", Chrome), ("filename", file), ("update_cache_retries", 2L)));

            var result = fakes.Run(change.Script);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Failed to update apt cache (sources put back)", result.Stderr, StringComparison.Ordinal);
            Assert.Equal("deb http://old.example.org/debian bookworm main\n", File.ReadAllText(file));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Script_AppendsToAGivenFile_KeepingItsMode()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-apt-repo-");
        try
        {
            var file = Path.Combine(dir.FullName, "own.list");
            File.WriteAllText(file, "deb  http://old.example.org/debian bookworm main\n");
            Assert.Equal(0, Sh($"chmod 0600 '{file}'").Exit);
            var change = Assert.IsType<Change>(Plan([(file, File.ReadAllText(file))], ("repo", Chrome), ("filename", file), ("update_cache", false)));

            Assert.Equal(0, Sh(change.Script).Exit);

            Assert.Equal("deb http://old.example.org/debian bookworm main\n" + Chrome + "\n", File.ReadAllText(file));
            Assert.Equal("600\n", Sh($"stat -c %a '{file}'").Stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Script_FailedWrite_LeavesNoTempFileInTheSourcesDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("fleet-apt-repo-");
        try
        {
            var file = Path.Combine(dir.FullName, "new.list");
            var change = Assert.IsType<Change>(Plan([], ("repo", Chrome), ("filename", file), ("mode", "u=bogus"), ("update_cache", false)));

            Assert.NotEqual(0, Sh(change.Script).Exit);

            Assert.Empty(dir.GetFiles());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
