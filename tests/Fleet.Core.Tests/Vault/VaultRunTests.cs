using Fleet.Core.Execution;
using Fleet.Core.Inputs;
using Fleet.Core.Reports;
using Fleet.Core.Results;
using Fleet.Core.Tests.Execution;

namespace Fleet.Core.Tests.Vault;

/// <summary>A run with vaulted variables: hosts get the real values; reports, results and diffs show ********.</summary>
public sealed class VaultRunTests : IDisposable
{
    private readonly TempFiles _files = new();

    private async Task<RunReport> RunAsync(string tasks, RecordingObserver observer)
    {
        var inventory = _files.Write("inv/hosts.yml", "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n");
        _files.Write("inv/group_vars/all.yml", VaultFixtures.Text("vars-1.1.vault.yml"));
        _files.Write("strings.yml", VaultFixtures.Text("strings.yml"));
        var playbook = _files.Write("site.yml", "- name: Vault\n  hosts: all\n  gather_facts: false\n  tasks:\n" + tasks);
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = inventory, Playbooks = [playbook], CheckTargets = false, Vault = VaultFixtures.Both });
        var options = new RunOptions { Diff = true, Vault = inputs.Vault };
        return await new PlaybookRunner(new LocalShellConnector(), Fleet.Core.Modules.ModuleCatalog.Default, observer).RunAsync(inputs.Inventory, inputs.Playbooks, options, CancellationToken.None);
    }

    [Fact]
    public async Task Run_VaultedValues_WrittenForRealButMaskedInEveryResult()
    {
        var target = Path.Combine(_files.Dir, "out.txt");
        var copy = Path.Combine(_files.Dir, "copy.txt");
        var observer = new RecordingObserver();

        var report = await RunAsync($$$"""
                - name: "show {{ db_password }}"
                  debug: { msg: "the password is {{ db_password }}" }
                - include_vars: { file: "{{ playbook_dir }}/strings.yml" }
                - set_fact: { both: "{{ db_password }}+{{ prod_token }}" }
                - name: write it
                  shell: "printf '%s' '{{ both }}' > {{{target}}}; echo {{ db_password }}"
                - copy: { dest: "{{{copy}}}", content: "token={{ api_token }}\n" }
                - debug: { msg: "encoded {{ db_password | b64encode }}" }
            """, observer);

        Assert.Equal(HostStatus.Changed, report.Hosts.Single().Status);
        Assert.Equal($"{VaultFixtures.DbPassword}+{VaultFixtures.ProdToken}", File.ReadAllText(target));
        Assert.Equal($"token={VaultFixtures.ApiToken}\n", File.ReadAllText(copy));
        var json = JsonReportWriter.ToJson(report);
        Assert.Contains("the password is ********", json, StringComparison.Ordinal);
        Assert.Contains("token=********", report.Hosts.Single().Tasks.Single(t => t.Module == "copy").Diff, StringComparison.Ordinal);
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(VaultFixtures.DbPassword));
        foreach (var secret in new[] { VaultFixtures.DbPassword, VaultFixtures.ApiToken, VaultFixtures.ProdToken, encoded })
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
            Assert.DoesNotContain(observer.Results, r => JsonReportWriter.ToJson(Single(r)).Contains(secret, StringComparison.Ordinal));
        }
    }

    public void Dispose() => _files.Dispose();

    private static RunReport Single(TaskResult result)
    {
        var host = new HostResult("h1", "127.0.0.1");
        host.Tasks.Add(result);
        return new RunReport("apply", DateTimeOffset.UnixEpoch, 0, [host]);
    }

    /// <summary>Keeps every result the observer is told of.</summary>
    private sealed class RecordingObserver : IRunObserver
    {
        public System.Collections.Concurrent.ConcurrentQueue<TaskResult> Results { get; } = new();

        public void HostStarted(string host) { }

        public void TaskStarted(string host, string play, string task) { }

        public void TaskFinished(string host, TaskResult result) => Results.Enqueue(result);

        public void HostFinished(HostResult result) { }
    }
}
