using System.Diagnostics;
using System.Text.Json;
using Fleet.Tests;

namespace Fleet.Integration.Tests.Cli;

/// <summary>The vault options on the command line: a missing or wrong password is one located line and exit 1; <c>fleet inventory</c> masks secrets.</summary>
public sealed class VaultCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fleet-cli-vault-");

    private static string Fixture(string name) => Path.Combine(Repository.Root, "tests", "Fleet.Core.Tests", "Vault", "Fixtures", name);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string Inventory()
    {
        var inventory = Write("inv/hosts.yml", "all:\n  hosts:\n    web1: { address: 192.0.2.10, ansible_become_pass: plain-sudo-pw, ansible_ssh_pass: plain-ssh-pw, tier: front }\n");
        Write("inv/group_vars/all.yml", File.ReadAllText(Fixture("vars-1.1.vault.yml")));
        return inventory;
    }

    [Fact]
    public async Task Validate_NoVaultPassword_IsOneLocatedLineExit1()
    {
        var inventory = Inventory();

        var (exit, stdout, stderr) = await FleetProcess.RunAsync("validate", "-i", inventory, Write("pb.yml", "- hosts: all\n  tasks: []\n"));

        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("vault", StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"{Path.Combine(_dir.FullName, "inv", "group_vars", "all.yml")}:1:1", line, StringComparison.Ordinal);
        Assert.Contains("no vault password was given", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_WrongVaultPassword_IsOneLocatedLineExit1()
    {
        var inventory = Inventory();

        var (exit, stdout, stderr) = await FleetProcess.RunAsync("validate", "-i", inventory, "--vault-password-file", Write("wrong", "nope\n"), Write("pb.yml", "- hosts: all\n  tasks: []\n"));

        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains(":1:1: cannot decrypt this file: no vault password given fits it", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PasswordFileFromTheEnvironment_Decrypts()
    {
        var environment = new Dictionary<string, string> { ["ANSIBLE_VAULT_PASSWORD_FILE"] = Fixture("password.txt") };

        var (exit, stdout, stderr) = await FleetProcess.RunAsync(environment, "validate", "-i", Inventory(), Write("pb.yml", "- hosts: all\n  tasks:\n    - debug: { msg: \"{{ db_password }}\" }\n"));

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
    }

    [Fact]
    public async Task Validate_AskVaultPass_ReadsThePasswordFromPipedInput()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "fleet.dll"), "validate", "-i", Inventory(), "--ask-vault-pass", Write("pb.yml", "- hosts: all\n  tasks: []\n") })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync("fleet-vault-test");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{stderr}");
        Assert.StartsWith("Vault password: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fleet-vault-test", stderr + await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inventory_PasswordsAndVaultedValues_AreMaskedInTableAndJson()
    {
        var inventory = Inventory();
        string[] vault = ["--vault-id", "default@" + Fixture("password.txt")];

        var table = await FleetProcess.RunAsync(["inventory", "-i", inventory, .. vault]);
        var json = await FleetProcess.RunAsync(["inventory", "-i", inventory, "--json", .. vault]);

        Assert.True(table.ExitCode == 0 && json.ExitCode == 0, $"{table.Stdout}{table.Stderr}{json.Stdout}{json.Stderr}");
        using var document = JsonDocument.Parse(json.Stdout);
        var vars = document.RootElement.GetProperty("hosts").GetProperty("web1").GetProperty("vars");
        Assert.Equal("********", vars.GetProperty("db_password").GetString());
        Assert.Equal("********", vars.GetProperty("ansible_become_pass").GetString());
        Assert.Equal("front", vars.GetProperty("tier").GetString());
        Assert.Equal(5432, vars.GetProperty("db_port").GetInt32());
        foreach (var secret in new[] { "s3cret-db-pass", "plain-sudo-pw", "plain-ssh-pw" })
        {
            Assert.DoesNotContain(secret, table.Stdout + json.Stdout, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
