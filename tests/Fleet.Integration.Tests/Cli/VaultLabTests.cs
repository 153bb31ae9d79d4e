using Fleet.Integration.Tests.Engine;
using Fleet.Integration.Tests.Lab;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Cli;

/// <summary>
/// A vaulted group_vars file (made by ansible-vault) through <c>fleet apply</c> and <c>fleet check --diff</c> on the lab: the host
/// gets the decrypted value, and no output of the run — stdout, stderr, the JSON report, the debug log, the diff — holds it.
/// </summary>
[Collection("lab")]
public sealed class VaultLabTests(LabFixture lab) : IDisposable
{
    private const string Secret = "s3cret-db-pass"; // in vars-1.1.vault.yml
    private const string Token = "tok-77c1-prod"; // prod_token in strings.yml, vault id prod
    private const string Target = "/etc/fleet-vault-lab-test";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-vault-lab-");

    private static string Fixture(string name) => Path.Combine(Repository.Root, "tests", "Fleet.Core.Tests", "Vault", "Fixtures", name);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Playbook(string content) => $$$"""
        - name: Vault lab test
          hosts: all
          vars_files: [{{{Fixture("strings.yml")}}}]
          tasks:
            - name: "Secret file for {{ db_password }}"
              copy: { dest: {{{Target}}}, content: "{{{content}}}\n", mode: "0600" }
            - name: Shown
              debug: { msg: "db_password is {{ db_password }}, token {{ prod_token }}" }
        """;

    [LabFact]
    public async Task ApplyThenCheckDiff_VaultedGroupVars_HostGetsTheValueAndNoOutputShowsIt()
    {
        var host = lab.Info.Hosts[0].Name;
        await LabRun.ExecAsync(lab, host, $"rm -f {Target}");
        var inventory = Write("inv/hosts.yml", await File.ReadAllTextAsync(lab.Info.InventoryPath));
        Write("inv/group_vars/all.yml", await File.ReadAllTextAsync(Fixture("vars-1.1.vault.yml")));
        var json = Path.Combine(_dir.FullName, "apply.json");
        var log = Path.Combine(_dir.FullName, "apply.log");
        string[] common =
        [
            "-i", inventory, "--limit", host, "--no-progress", "--known-hosts", lab.Info.KnownHostsPath, "-v",
            "--vault-id", "prod@" + Fixture("prod-password.txt"), "--vault-password-file", Fixture("password.txt"),
        ];

        var apply = await FleetProcess.RunAsync(["apply", Write("apply.yml", Playbook("{{ db_password }}/{{ prod_token }}")), "--diff", "--json", json, "--log-file", log, .. common]);

        Assert.True(apply.ExitCode == 0, $"exit {apply.ExitCode}\n{apply.Stdout}\n{apply.Stderr}");
        Assert.Equal($"{Secret}/{Token}\n", await LabRun.ExecAsync(lab, host, $"cat {Target}"));
        Assert.Contains("db_password is ********, token ********", apply.Stdout + await File.ReadAllTextAsync(json), StringComparison.Ordinal);

        var checkJson = Path.Combine(_dir.FullName, "check.json");
        var check = await FleetProcess.RunAsync(["check", Write("check.yml", Playbook("new {{ db_password }}")), "--diff", "--json", checkJson, "--log-file", log + ".check", .. common]);

        Assert.True(check.ExitCode == 4, $"exit {check.ExitCode}\n{check.Stdout}\n{check.Stderr}");
        Assert.Contains("new ********", check.Stdout, StringComparison.Ordinal);
        Assert.Equal($"{Secret}/{Token}\n", await LabRun.ExecAsync(lab, host, $"cat {Target}"));
        var outputs = new[] { apply.Stdout, apply.Stderr, check.Stdout, check.Stderr }
            .Concat(await Task.WhenAll(new[] { json, log, checkJson, log + ".check" }.Select(f => File.ReadAllTextAsync(f))));
        Assert.All(outputs, output =>
        {
            Assert.DoesNotContain(Secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
        });
        await LabRun.ExecAsync(lab, host, $"rm -f {Target}");
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
