using Fleet.Core.Execution;
using Fleet.Core.Results;
using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>listening_ports over real SSH: sshd on 22 is found, a listener started for the test is a warning or a failure naming it.</summary>
[Collection("lab")]
public sealed class ListeningPortsLabTests(LabFixture lab)
{
    private const int Port = 18765;

    private static string Playbook(string unexpected) => $$"""
        - name: Ports
          hosts: all
          tasks:
            - name: listeners
              listening_ports: { allowed: [22/tcp], unexpected: {{unexpected}} }
        """;

    [LabFact]
    public async Task Ports_SshdFound_ExtraListenerWarnsOrFails()
    {
        var host = lab.Info.Hosts[1].Name;
        var only = new RunOptions { Limit = host };
        var quiet = await LabRun.RunAsync(lab, Playbook("warn"), only);

        var task = Assert.Single(Assert.Single(quiet.Hosts).Tasks);
        Assert.Equal(TaskOutcome.Ok, task.Status);
        var ports = Assert.IsAssignableFrom<IReadOnlyList<object?>>(task.Result["ports"]).Cast<IReadOnlyDictionary<string, object?>>().ToList();
        Assert.Contains(ports, p => (string?)p["proto"] == "tcp" && (long)p["port"]! == 22 && (string?)p["process"] == "sshd");
        Assert.DoesNotContain(task.Warnings, w => w.Contains("22/tcp", StringComparison.Ordinal));

        var pid = (await LabRun.ExecAsync(lab, host, $"cd /tmp && setsid python3 -m http.server {Port} --bind 0.0.0.0 </dev/null >/dev/null 2>&1 & echo $!")).Trim();
        try
        {
            await LabRun.ExecAsync(lab, host, $"for i in $(seq 50); do ss -Hltn | grep -q ':{Port} ' && exit 0; sleep 0.1; done; exit 1");

            var warned = await LabRun.RunAsync(lab, Playbook("warn"), only);
            var failed = await LabRun.RunAsync(lab, Playbook("fail"), only);

            var warning = Assert.Single(Assert.Single(warned.Hosts).Tasks);
            Assert.Equal(TaskOutcome.Ok, warning.Status);
            Assert.Contains($"unexpected listener {Port}/tcp on 0.0.0.0 (python3)", warning.Warnings);
            var failure = Assert.Single(Assert.Single(failed.Hosts).Tasks);
            Assert.Equal(TaskOutcome.Failed, failure.Status);
            Assert.Contains($"{Port}/tcp on 0.0.0.0 (python3)", failure.Message, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.TaskFailed, failed.ExitCode);
        }
        finally
        {
            await LabRun.ExecAsync(lab, host, $"kill {pid} 2>/dev/null || true");
        }
    }
}
