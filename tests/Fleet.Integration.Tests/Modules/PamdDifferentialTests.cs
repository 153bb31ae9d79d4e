using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Pamd;
using Fleet.Lab;

namespace Fleet.Integration.Tests.Modules;

/// <summary>
/// pamd against community.general.pamd itself: each case edits a temporary copy of a real /etc/pam.d file of this machine with
/// ansible-playbook (one playbook for all cases) and with Fleet's planner, and the two files must be equal byte for byte
/// (the "Updated by Ansible" timestamp aside); where Ansible changes nothing, Fleet must plan nothing.
/// </summary>
public sealed partial class PamdDifferentialTests
{
    private static readonly (string Name, string Source, Dictionary<string, object> Args)[] Cases =
    [
        ("dev-sec: no dynamic motd", "sshd", new() { ["type"] = "session", ["control"] = "optional", ["module_path"] = "pam_motd.so", ["state"] = "absent" }),
        ("absent: no such rule", "sshd", new() { ["type"] = "auth", ["control"] = "required", ["module_path"] = "pam_nothing.so", ["state"] = "absent" }),
        ("updated: new control", "sshd", new() { ["type"] = "session", ["control"] = "required", ["module_path"] = "pam_limits.so", ["new_control"] = "requisite" }),
        ("updated: complex control matched", "sshd",
            new() { ["type"] = "session", ["control"] = "[success=ok ignore=ignore module_unknown=ignore default=bad]", ["module_path"] = "pam_selinux.so", ["new_type"] = "-session" }),
        ("updated: arguments replaced", "login", new() { ["type"] = "auth", ["control"] = "optional", ["module_path"] = "pam_faildelay.so", ["module_arguments"] = new[] { "delay=4000000" } }),
        ("updated: already so", "login", new() { ["type"] = "auth", ["control"] = "optional", ["module_path"] = "pam_faildelay.so", ["module_arguments"] = new[] { "delay=3000000" } }),
        ("before: comments in between", "sshd",
            new() { ["type"] = "session", ["control"] = "required", ["module_path"] = "pam_loginuid.so", ["state"] = "before", ["new_type"] = "session", ["new_control"] = "required", ["new_module_path"] = "pam_foo.so", ["module_arguments"] = new[] { "a=1", "b" } }),
        ("before: already there", "login",
            new() { ["type"] = "auth", ["control"] = "requisite", ["module_path"] = "pam_nologin.so", ["state"] = "before", ["new_type"] = "auth", ["new_control"] = "optional", ["new_module_path"] = "pam_faildelay.so" }),
        ("after: middle", "common-auth",
            new() { ["type"] = "auth", ["control"] = "[success=1 default=ignore]", ["module_path"] = "pam_unix.so", ["state"] = "after", ["new_type"] = "auth", ["new_control"] = "required", ["new_module_path"] = "pam_faillock.so", ["module_arguments"] = new[] { "authfail" } }),
        ("after: last rule", "common-auth",
            new() { ["type"] = "auth", ["control"] = "optional", ["module_path"] = "pam_cap.so", ["state"] = "after", ["new_type"] = "auth", ["new_control"] = "optional", ["new_module_path"] = "pam_bar.so" }),
        ("args_present: new flag", "common-auth",
            new() { ["type"] = "auth", ["control"] = "[success=1 default=ignore]", ["module_path"] = "pam_unix.so", ["state"] = "args_present", ["module_arguments"] = new[] { "audit" } }),
        ("args_present: value changed on both rules", "sshd",
            new() { ["type"] = "session", ["control"] = "required", ["module_path"] = "pam_env.so", ["state"] = "args_present", ["module_arguments"] = new[] { "user_readenv=0" } }),
        ("args_present: present already", "common-auth",
            new() { ["type"] = "auth", ["control"] = "[success=1 default=ignore]", ["module_path"] = "pam_unix.so", ["state"] = "args_present", ["module_arguments"] = new[] { "nullok" } }),
        ("args_absent: removed", "common-auth",
            new() { ["type"] = "auth", ["control"] = "[success=1 default=ignore]", ["module_path"] = "pam_unix.so", ["state"] = "args_absent", ["module_arguments"] = new[] { "nullok" } }),
        ("args_absent: not there", "login",
            new() { ["type"] = "session", ["control"] = "optional", ["module_path"] = "pam_mail.so", ["state"] = "args_absent", ["module_arguments"] = new[] { "noenv" } }),
    ];

    [LabFact]
    public async Task Cases_WriteWhatAnsibleWrites_ByteForByte()
    {
        await MachinePackages.EnsureAsync(MachinePackages.Oracles, Environment.UserName == "root", _ => { }, CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("fleet-pamd-");
        try
        {
            var tasks = new List<object>();
            for (var i = 0; i < Cases.Length; i++)
            {
                var (_, source, args) = Cases[i];
                var caseDirectory = Path.Combine(directory.FullName, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Directory.CreateDirectory(caseDirectory);
                File.Copy(Path.Combine("/etc/pam.d", source), Path.Combine(caseDirectory, source));
                tasks.Add(new Dictionary<string, object> { ["community.general.pamd"] = new Dictionary<string, object>(args) { ["name"] = source, ["path"] = caseDirectory } });
            }

            // JSON is YAML: the playbook is written with the serializer, no quoting by hand.
            var playbook = Path.Combine(directory.FullName, "pamd.yml");
            await File.WriteAllTextAsync(playbook, JsonSerializer.Serialize(new[] { new Dictionary<string, object> { ["hosts"] = "localhost", ["connection"] = "local", ["gather_facts"] = false, ["tasks"] = tasks } }));
            var (exit, stdout, stderr) = await MachineProcess.RunAsync("ansible-playbook", "-i", "localhost,", playbook);
            Assert.True(exit == 0, $"ansible-playbook failed: {stdout}\n{stderr}");

            var differences = new List<string>();
            var changedByAnsible = 0;
            for (var i = 0; i < Cases.Length; i++)
            {
                var (name, source, args) = Cases[i];
                var original = await File.ReadAllTextAsync(Path.Combine("/etc/pam.d", source));
                var ansible = await File.ReadAllTextAsync(Path.Combine(directory.FullName, i.ToString(System.Globalization.CultureInfo.InvariantCulture), source));
                var (fleet, _) = PamdModule.Edit(original, Arguments(args, source), "2026-01-01T00:00:00");
                var expected = ansible == original ? null : Masked(ansible);
                changedByAnsible += expected is null ? 0 : 1;
                if (expected != (fleet is null ? null : Masked(fleet)))
                {
                    differences.Add($"{name}:\n--- ansible\n{expected ?? "(unchanged)"}\n--- fleet\n{fleet ?? "(unchanged)"}");
                }
            }

            Assert.Equal(10, changedByAnsible);
            Assert.True(differences.Count == 0, $"{differences.Count} of {Cases.Length} cases differ from Ansible:\n" + string.Join("\n", differences));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static ModuleArguments Arguments(Dictionary<string, object> args, string name) =>
        new(args.ToDictionary(a => a.Key, a => a.Value is string[] list ? (object?)list.ToList() : a.Value).Append(new("name", name)).ToDictionary());

    private static string Masked(string text) => UpdatedMark().Replace(text, "# Updated by Ansible - TIMESTAMP", 1);

    [GeneratedRegex(@"^# Updated by Ansible - .*$", RegexOptions.Multiline)]
    private static partial Regex UpdatedMark();
}
