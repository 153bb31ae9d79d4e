using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;

namespace Fleet.Core.Tests.Execution;

/// <summary>Playbooks run over this machine's shell (<see cref="LocalShellConnector"/>) as the run tests run them: written to files, validated clean first.</summary>
internal static class LocalRuns
{
    /// <summary>An inventory of one host, h1, at 127.0.0.1.</summary>
    public const string OneHost = "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n";

    /// <summary>
    /// Writes <paramref name="inventory"/> and <paramref name="playbook"/> into <paramref name="files"/>, asserts that they
    /// validate without an error (with the options' extra vars) and runs them.
    /// </summary>
    public static async Task<RunReport> RunAsync(TempFiles files, string inventory, string playbook, RunOptions? options = null)
    {
        options ??= new RunOptions();
        var hosts = InventoryLoader.Load(files.Write("inventory.yml", inventory));
        var loaded = PlaybookLoader.Load(files.Write("playbook.yml", playbook), ModuleCatalog.Default);
        Assert.Empty(PlaybookValidator.Validate([loaded], hosts, options.ExtraVars, ModuleCatalog.Default));
        return await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(hosts, [loaded], options, CancellationToken.None);
    }

    /// <summary>Each task of the host as "status name", a line each ("ok quiet", "skipped loud").</summary>
    public static string Statuses(HostResult host) => string.Join("\n", host.Tasks.Select(t => $"{t.Status.ToString().ToLowerInvariant()} {t.Name}"));
}
