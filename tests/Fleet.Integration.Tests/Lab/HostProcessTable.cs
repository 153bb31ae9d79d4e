using System.Diagnostics;

namespace Fleet.Integration.Tests.Lab;

/// <summary>Reads lab hosts' process tables from outside (nsenter, not SSH), polling instead of sleeping.</summary>
internal static class HostProcessTable
{
    /// <summary>How long a host may take to end a cancelled script's processes.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>Waits until every one of <paramref name="hosts"/> runs a process whose command line contains <paramref name="pattern"/>.</summary>
    public static Task WaitUntilRunningAsync(LabFixtureBase lab, IEnumerable<string> hosts, string pattern) =>
        WaitAsync(lab, [.. hosts], pattern, running: true, TimeSpan.FromSeconds(10));

    /// <summary>Waits until none of <paramref name="hosts"/> runs such a process; fails with the leftovers after <see cref="Grace"/>.</summary>
    public static Task WaitUntilGoneAsync(LabFixtureBase lab, IEnumerable<string> hosts, string pattern) =>
        WaitAsync(lab, [.. hosts], pattern, running: false, Grace);

    private static async Task WaitAsync(LabFixtureBase lab, List<string> hosts, string pattern, bool running, TimeSpan limit)
    {
        // "[s]leep 1" matches "sleep 1" but not the grep that looks for it.
        var regex = "[" + pattern[0] + "]" + pattern[1..];
        var clock = Stopwatch.StartNew();
        var tables = "";
        while (true)
        {
            tables = "";
            var matching = 0;
            foreach (var host in hosts)
            {
                var (_, table, _) = await Fleet.Lab.Lab.ExecAsync(lab.Info.Dir, host, $"ps -eo pid,ppid,pgid,args | grep '{regex}' || true", CancellationToken.None);
                tables += table.Length > 0 ? $"{host}:\n{table}" : "";
                matching += table.Length > 0 ? 1 : 0;
            }

            if (running ? matching == hosts.Count : matching == 0)
            {
                return;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail(running ? $"'{pattern}' did not start on every host within {limit.TotalSeconds} s" : $"'{pattern}' still runs {limit.TotalSeconds} s later:\n{tables}");
            }

            await Task.Delay(100);
        }
    }
}
