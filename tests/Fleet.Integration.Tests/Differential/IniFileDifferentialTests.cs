using Fleet.Core.Tests.Modules.IniFile;
using Fleet.Lab;

namespace Fleet.Integration.Tests.Differential;

/// <summary>
/// ini_file against Ansible's own module, now: every case of the recorded table is run again by the installed
/// community.general.ini_file (ini_file_oracle.py, one ansible-playbook on this controller) and Fleet's planner must leave the
/// same bytes, the same changed flag and the same failures — so the recorded table cannot drift from Ansible unnoticed.
/// </summary>
public sealed class IniFileDifferentialTests
{
    [LabFact]
    public async Task RecordedCases_EditLikeAnsible_ByteForByte()
    {
        await MachinePackages.EnsureAsync(MachinePackages.Oracles, Environment.UserName == "root", _ => { }, CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("fleet-ini-diff-");
        try
        {
            var output = Path.Combine(directory.FullName, "ansible.json");
            var (exit, _, stderr) = await MachineProcess.RunAsync("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "ini_file_oracle.py"),
                Path.Combine(AppContext.BaseDirectory, IniFileCases.FileName), output);
            Assert.True(exit == 0, $"the ini_file oracle failed: {stderr}");

            var differences = IniFileCases.Load(output).Select(c => IniFileCases.Difference(c!, c!["expected"]!)).OfType<string>().ToList();

            Assert.True(differences.Count == 0, $"{differences.Count} cases differ from Ansible:\n" + string.Join("\n", differences));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
