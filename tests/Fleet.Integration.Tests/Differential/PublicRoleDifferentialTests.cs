using System.Diagnostics;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;
using Xunit.Abstractions;

namespace Fleet.Integration.Tests.Differential;

/// <summary>Fresh hosts for the public roles: one twin pair per site (geerlingguy lab-01 and lab-02, dev-sec lab-03 and lab-04), so no site sees what another left.</summary>
public sealed class PublicRoleLab() : LabFixtureBase(4, "public-roles");

/// <summary>The public-role differential tests share one lab and run one after another.</summary>
[CollectionDefinition("public-roles")]
public sealed class PublicRoleCollection : ICollectionFixture<PublicRoleLab>;

/// <summary>
/// The public hardening roles vendored in tests/PublicRoles, run unmodified as their users run them: ansible-playbook on one fresh
/// lab host and Fleet on its twin. Afterwards the hosts' state (every file under /etc with type, mode, owner, group, link target and
/// content hash; the packages and their states; running programs; users, groups and shadow's aging fields; the live values of
/// every key the sysctl files set; set-user programs; home and log directory modes: Differential/PublicRoles/state.sh), the
/// per-task statuses and the recap must be equal; then the re-run of both changes nothing.
/// </summary>
[Collection("public-roles")]
public sealed class PublicRoleDifferentialTests(PublicRoleLab lab, ITestOutputHelper output)
{
    private static string PublicRoles => Path.Combine(Repository.Root, "tests", "PublicRoles");

    private static string StateScript => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Differential", "PublicRoles", "state.sh"));

    [LabFact]
    public Task Geerlingguy_SameStateStatusesAndRecapAsAnsible_ThenNoOp() => RunSiteAsync(
        "geerlingguy-site.yml",
        "lab-01",
        "lab-02",
        new DifferentialInputs
        {
            RolesPath = [Path.Combine(PublicRoles, "roles")],

            // Debian 12's fail2ban reads and logs to the systemd journal: it cannot start on a lab host, which has no systemd.
            ExtraVars = new Dictionary<string, object?> { ["security_fail2ban_enabled"] = false },
        });

    [LabFact]
    public Task DevSec_SameStateStatusesAndRecapAsAnsible_ThenNoOp() => RunSiteAsync(
        "devsec-site.yml",
        "lab-03",
        "lab-04",
        new DifferentialInputs
        {
            // As its users run it; Fleet (like ansible-playbook) also finds the collection in collections/ beside the playbook.
            AnsibleEnvironment = new Dictionary<string, string> { ["ANSIBLE_COLLECTIONS_PATH"] = Path.Combine(PublicRoles, "collections") },
        });

    private async Task RunSiteAsync(string site, string ansibleHost, string fleetHost, DifferentialInputs inputs)
    {
        var dir = Directory.CreateTempSubdirectory("fleet-public-role-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var harness = new DifferentialHarness(lab, ansibleHost, fleetHost, output);
            var playbook = Path.Combine(PublicRoles, site);
            var first = await harness.CompareAsync(playbook, dir, StateScript, $"{site} first run", inputs);
            Assert.True(first.Fleet.Changed > 0, "the first run changes the host");

            var second = await harness.CompareAsync(playbook, dir, StateScript, $"{site} second run", inputs);
            Assert.Equal(0, second.Ansible.Changed);
            Assert.Equal(0, second.Fleet.Changed);
            output.WriteLine($"{site}: no-op run ansible-playbook {second.AnsibleSeconds:0.00} s, Fleet {second.FleetSeconds:0.00} s; whole test {clock.Elapsed.TotalSeconds:0} s");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
