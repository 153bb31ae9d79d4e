using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>The <c>diff</c> keyword and <c>meta: end_batch</c> / <c>reset_connection</c> when a play runs (on the local shell).</summary>
public sealed class DiffAndMetaRunTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private async Task<RunReport> RunAsync(string playbook, RunOptions options, string hosts = "h1: { address: 127.0.0.1 }")
    {
        var inventory = InventoryLoader.Load(_files.Write("inventory.yml", $"all:\n  hosts:\n    {hosts}\n"));
        var loaded = PlaybookLoader.Load(_files.Write("site.yml", playbook), ModuleCatalog.Default);
        return await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], options, CancellationToken.None);
    }

    [Fact]
    public async Task Diff_TheTasksKeywordWinsOverTheRunsOption()
    {
        var dir = _files.Dir;
        var report = await RunAsync(
            $"- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {{ content: \"a\\n\", dest: {dir}/shown }}\n      diff: true\n    - copy: {{ content: \"b\\n\", dest: {dir}/hidden }}\n    - block:\n        - copy: {{ content: \"c\\n\", dest: {dir}/block }}\n      diff: true\n",
            new RunOptions());
        var withDashD = await RunAsync(
            $"- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {{ content: \"x\\n\", dest: {dir}/off }}\n      diff: false\n",
            new RunOptions { Diff = true });

        var tasks = report.Hosts[0].Tasks;
        Assert.Equal((true, false, true), (tasks[0].Diff is not null, tasks[1].Diff is not null, tasks[2].Diff is not null));
        Assert.Null(withDashD.Hosts[0].Tasks[0].Diff);
    }

    [Fact]
    public async Task EndBatch_EndsThisBatchOnly_TheNextBatchRunsThePlay()
    {
        var report = await RunAsync(
            "- hosts: all\n  gather_facts: false\n  serial: 1\n  tasks:\n    - debug: msg=before\n    - meta: end_batch\n    - debug: msg=after\n",
            new RunOptions(),
            "h1: { address: 127.0.0.1 }\n    h2: { address: 127.0.0.1 }");

        Assert.All(report.Hosts, h => Assert.Equal(new string?[] { "before" }, h.Tasks.Select(t => t.Message)));
    }

    [Fact]
    public async Task ResetConnection_TheNextTaskRunsOnAFreshConnection()
    {
        var report = await RunAsync("- hosts: all\n  gather_facts: false\n  tasks:\n    - command: \"true\"\n    - meta: reset_connection\n    - command: \"true\"\n", new RunOptions());

        Assert.Equal(new[] { TaskOutcome.Changed, TaskOutcome.Changed }, report.Hosts[0].Tasks.Select(t => t.Status));
        Assert.Equal(HostStatus.Changed, report.Hosts[0].Status);
    }
}
