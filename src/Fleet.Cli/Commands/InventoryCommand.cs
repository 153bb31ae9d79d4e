using System.ComponentModel;
using Fleet.Cli.Output;
using Fleet.Core.Inputs;
using Fleet.Core.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary><c>fleet inventory -i INV [--limit P] [--json]</c>: the resolved hosts, groups and variables.</summary>
internal sealed partial class InventoryCommand : FleetCommand<InventoryCommand.Settings>
{
    /// <summary>Options of inventory.</summary>
    internal sealed class Settings : VaultSettings
    {
        [CommandOption("-i|--inventory <FILE>")]
        [Description("Inventory file.")]
        public string? Inventory { get; init; }

        [CommandOption("-l|--limit <PATTERN>")]
        [Description("Only hosts matching the pattern.")]
        public string? Limit { get; init; }

        [CommandOption("--json")]
        [Description("Print JSON (hosts with groups and merged variables, groups).")]
        public bool Json { get; init; }
    }

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        // Every host's address and port templates share one regex time budget: slow patterns in many hosts do not add up.
        using var regexTime = Fleet.Core.Templating.RenderBudget.SharedRegexTime();
        var inputs = RunInputs.Load(new RunInputsOptions { Inventory = settings.Inventory, Limit = settings.Limit, CheckTargets = false, Vault = settings.Vault() });
        var inventory = inputs.Inventory;
        var hosts = inputs.LimitedHosts.OrderBy(h => h.Name, HostNameOrder.Instance).ToList();
        var selected = hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        if (settings.Json)
        {
            var data = new Dictionary<string, object?>
            {
                ["hosts"] = hosts.ToDictionary(h => h.Name, h => (object?)new Dictionary<string, object?>
                {
                    ["groups"] = h.Groups,
                    ["vars"] = AsWritten(h, inputs.Vault.Secrets),
                }),
                ["groups"] = inventory.Groups.ToDictionary(g => g.Key, g => (object?)new Dictionary<string, object?>
                {
                    ["hosts"] = g.Value.Hosts.Where(selected.Contains).Order(HostNameOrder.Instance).ToList(),
                    ["children"] = g.Value.Children,
                }),
            };
            Console.WriteLine(JsonValues.ToJson(data, indented: true));
            return Task.FromResult(ExitCodes.Success);
        }

        Table(inputs, hosts).Write(AnsiConsole.Console, TerminalWidth.Columns);
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>One row per host: its address, groups and variables (passwords and vaulted values masked).</summary>
    internal static TextTable Table(RunInputs inputs, IEnumerable<Fleet.Core.Inventory.InventoryHost> hosts)
    {
        // "login" is where Fleet connects, resolved; "variables" are as written, as ansible-inventory --host shows them.
        var table = new TextTable("host", "login", "groups", "variables");
        foreach (var host in hosts)
        {
            var target = inputs.Inventory.ResolveTarget(host);
            var vars = string.Join(", ", AsWritten(host, inputs.Vault.Secrets).Select(kv => $"{kv.Key}={Format(kv.Value)}"));
            table.AddRow(Display.Plain(host.Name), Display.Plain($"{target.User}@{target.Address}:{target.Port}"), Display.Plain(string.Join(", ", host.Groups)), Display.Plain(vars));
        }

        return table;
    }

    /// <summary>
    /// A host's variables as <c>ansible-inventory --host</c> shows them: by name, each under the name written (<c>ansible_host</c>,
    /// not Fleet's <c>address</c>), without what Fleet derived from ssh args (its <c>jump</c>, <c>host_key_policy</c>,
    /// <c>known_hosts</c>: the ssh args themselves are shown). A password variable's value, and every decrypted vault value, is
    /// ********; a key that ends in pass, password or passphrase counts as a password (ansible_become_pass, db_password…).
    /// </summary>
    private static Dictionary<string, object?> AsWritten(Fleet.Core.Inventory.InventoryHost host, SecretTexts secrets)
    {
        var derivedAt = Fleet.Core.Inventory.SshArguments.Variables.Where(host.VarLocations.ContainsKey).Select(v => host.VarLocations[v]).ToHashSet();
        return host.Vars
            .Where(kv => !(derivedAt.Count > 0 && kv.Key is ("jump" or "host_key_policy" or "known_hosts") && derivedAt.Contains(host.VarLocations[kv.Key])))
            .Select(kv => (Name: host.WrittenNames.GetValueOrDefault(kv.Key, kv.Key), kv.Value))
            .OrderBy(kv => kv.Name, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Name, kv => IsPassword(kv.Name) && kv.Value is not null ? SecretTexts.Shown : secrets.MaskValue(kv.Value), StringComparer.Ordinal);
    }

    private static bool IsPassword(string name) =>
        PasswordWord().IsMatch(name);

    [System.Text.RegularExpressions.GeneratedRegex("(^|_)(pass|password|passphrase|passwd)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex PasswordWord();

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s,
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
