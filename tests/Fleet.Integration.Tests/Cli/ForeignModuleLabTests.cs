using System.Text.Json;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Cli;

/// <summary><c>fleet apply</c> of a task for another OS family: warned of before the run, skipped when its <c>when</c> is false, failed when reached.</summary>
[Collection("lab")]
public sealed class ForeignModuleLabTests(LabFixture lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-foreign-test-");

    [LabFact]
    public async Task Apply_DnfTasks_SkippedBehindFalseWhenFailedWhenReachedExitTwo()
    {
        var host = lab.Info.Hosts[0].Name;
        var playbook = Path.Combine(_dir.FullName, "site.yml");
        await File.WriteAllTextAsync(playbook, $$"""
            - name: Other families
              hosts: {{host}}
              tasks:
                - name: Red Hat only
                  dnf: { name: aide, state: present }
                  when: ansible_os_family == 'RedHat'
                - name: Reached
                  dnf: { name: aide, state: present }
                  when: ansible_os_family == 'Debian'
            """);
        var json = Path.Combine(_dir.FullName, "r.json");

        var (exit, stdout, stderr) = await FleetProcess.RunAsync(
            "apply", "-i", lab.Info.InventoryPath, playbook, "--json", json, "--no-progress", "--known-hosts", lab.Info.KnownHostsPath, "--host-key-policy", "strict");

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains($"warning: {playbook}:5:7: module dnf (ansible.builtin.dnf) is not implemented by Fleet (also at line 8)", stderr, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var tasks = report.RootElement.GetProperty("hosts")[0].GetProperty("tasks");
        Assert.Equal("skipped", tasks[0].GetProperty("status").GetString());
        Assert.Equal("failed", tasks[1].GetProperty("status").GetString());
        Assert.Equal("module dnf (ansible.builtin.dnf) is not implemented by Fleet", tasks[1].GetProperty("message").GetString());
        Assert.Equal(1, report.RootElement.GetProperty("totals").GetProperty("failed").GetInt32());
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
