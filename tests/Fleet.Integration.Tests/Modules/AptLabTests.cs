using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>apt/package over real SSH on a lab host (whose only apt source is the lab's local repository), checked with dpkg.</summary>
[Collection("lab")]
public sealed class AptLabTests(LabFixture lab)
{
    // In the lab's repository and not installed on the machine the hosts overlay; the shipped playbooks do not use it.
    private const string Package = "debsums";
    private const string Host = "lab-03";

    private static string Playbook(string args, string hosts = Host) => $$"""
        - name: Apt
          hosts: {{hosts}}
          tasks:
            - name: Package
              apt: { {{args}} }
        """;

    private Task<string> DpkgStatusAsync() =>
        LabRun.ExecAsync(lab, Host, $"dpkg-query -W -f='${{db:Status-Status}} ${{Version}}' {Package} 2>/dev/null || echo not-known");

    private static TaskResult Task(RunReport report) => Assert.Single(Assert.Single(report.Hosts).Tasks);

    [LabFact]
    public async Task Apt_Install_VerifiedWithDpkg_SecondRunRunsNoAptGet_ThenRemove()
    {
        var before = await DpkgStatusAsync();
        try
        {
            await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: absent, purge: true"));
            Assert.False((await DpkgStatusAsync()).StartsWith("installed ", StringComparison.Ordinal), "still installed");

            var install = Task(await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: present")));
            var status = await LabRun.ExecAsync(lab, Host, $"dpkg -s {Package} | grep -E '^(Status|Version):'");
            var again = Task(await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: present")));

            Assert.Equal(TaskOutcome.Changed, install.Status);
            Assert.StartsWith("Status: install ok installed\nVersion: ", status, StringComparison.Ordinal);
            var version = status.Split('\n')[1]["Version: ".Length..];
            var package = Assert.Single((IEnumerable<IReadOnlyDictionary<string, object?>>)install.Result["packages"]!);
            Assert.Equal((Package, "install", version), ((string)package["name"]!, (string)package["action"]!, (string)package["version"]!));
            Assert.Equal(TaskOutcome.Ok, again.Status);
            Assert.False(again.Result.ContainsKey("rc"), "the no-op run ran a script");
            Assert.Equal($"{Package} {version} installed", again.Message);

            // Check mode reports the removal with a diff and removes nothing.
            var check = Task(await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: absent"), new RunOptions { Mode = "check" }));
            Assert.Equal(TaskOutcome.Changed, check.Status);
            Assert.Contains($"-{Package} {version}", check.Diff, StringComparison.Ordinal);
            Assert.StartsWith("installed ", await DpkgStatusAsync(), StringComparison.Ordinal);

            var remove = Task(await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: absent, purge: true")));
            var removedAgain = Task(await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: absent, purge: true")));

            Assert.Equal(TaskOutcome.Changed, remove.Status);
            Assert.False((await DpkgStatusAsync()).StartsWith("installed ", StringComparison.Ordinal), "still installed");
            Assert.Equal(TaskOutcome.Ok, removedAgain.Status);
            Assert.False(removedAgain.Result.ContainsKey("rc"), "the no-op run ran a script");
        }
        finally
        {
            if (before.StartsWith("installed ", StringComparison.Ordinal))
            {
                await LabRun.ExecAsync(lab, Host, $"DEBIAN_FRONTEND=noninteractive apt-get install -y -q {Package} >/dev/null");
            }
        }
    }

    [LabFact]
    public async Task Apt_UpdateCache_RunsOnlyWhenTheStampIsOlderThanCacheValidTime()
    {
        await LabRun.ExecAsync(lab, Host, "mkdir -p /var/lib/apt/periodic && touch -d @1000000000 /var/lib/apt/periodic/update-success-stamp");

        var update = Task(await LabRun.RunAsync(lab, Playbook("update_cache: true, cache_valid_time: 3600")));
        var age = await LabRun.ExecAsync(lab, Host, "echo $(( $(date +%s) - $(stat -c %Y /var/lib/apt/periodic/update-success-stamp) ))");
        var again = Task(await LabRun.RunAsync(lab, Playbook("update_cache: true, cache_valid_time: 3600")));

        Assert.Equal(TaskOutcome.Changed, update.Status);
        Assert.Equal(true, update.Result["cache_updated"]);
        Assert.InRange(int.Parse(age, System.Globalization.CultureInfo.InvariantCulture), 0, 300);
        Assert.Equal(TaskOutcome.Ok, again.Status);
        Assert.False(again.Result.ContainsKey("rc"), "the fresh cache was updated again");
    }

    [LabFact]
    public async Task Package_InstalledLatest_IsOk_UnknownPackage_FailsBeforeApt()
    {
        var report = await LabRun.RunAsync(lab, $$"""
            - name: Package
              hosts: {{Host}}
              tasks:
                - name: cron at the latest version
                  package: { name: cron, state: latest }
                - name: unknown
                  package: { name: fleet-no-such-package }
                  ignore_errors: true
            """);

        var tasks = Assert.Single(report.Hosts).Tasks;
        Assert.Equal(TaskOutcome.Ok, tasks[0].Status);
        Assert.Equal(TaskOutcome.Failed, tasks[1].Status);
        Assert.Equal("No package matching 'fleet-no-such-package' is available", tasks[1].Message);
        Assert.False(tasks[1].Result.ContainsKey("rc"), "apt-get ran for a package no source has");
    }

    [LabFact]
    public async Task Apt_AfterAnInterruptedDpkg_FinishesItFirst_WithAWarning_AndInstalls()
    {
        try
        {
            await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: absent, purge: true"));
            // What a dpkg run cut short leaves: a pending entry in dpkg's update journal (here tini's own, unchanged), which makes
            // apt-get refuse every transaction with "dpkg was interrupted, you must manually run 'dpkg --configure -a'".
            await LabRun.ExecAsync(lab, Host, "awk -v RS= '/^Package: tini\\n/' /var/lib/dpkg/status > /var/lib/dpkg/updates/0001");
            Assert.Contains("dpkg was interrupted", await LabRun.ExecAsync(lab, Host, $"apt-get install -y -q {Package} 2>&1; true"), StringComparison.Ordinal);

            var install = Task(await LabRun.RunAsync(lab, Playbook($"name: {Package}, state: present")));

            Assert.Equal(TaskOutcome.Changed, install.Status);
            var warning = Assert.Single(install.Warnings);
            Assert.Contains("dpkg --configure -a", warning, StringComparison.Ordinal);
            Assert.StartsWith("installed ", await DpkgStatusAsync(), StringComparison.Ordinal);
            Assert.Equal("", await LabRun.ExecAsync(lab, Host, "ls -A /var/lib/dpkg/updates"));
        }
        finally
        {
            await LabRun.ExecAsync(lab, Host, "dpkg --configure -a >/dev/null 2>&1; true");
        }
    }
}
