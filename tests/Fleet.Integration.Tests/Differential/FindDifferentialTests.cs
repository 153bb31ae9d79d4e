using System.Diagnostics;
using System.Text.Json;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Find;
using Fleet.Lab;
using Xunit.Abstractions;

namespace Fleet.Integration.Tests.Differential;

/// <summary>
/// find against Ansible's own module on the same tree of this machine (<c>ansible localhost -m find</c>, Debian's ansible-core as
/// the oracle): the same entries in the same order with the same stat fields, and the same matched and examined counts.
/// </summary>
public sealed class FindDifferentialTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fleet-find-diff-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    public static TheoryData<string> Cases =>
    [
        "",
        "recurse=yes",
        "recurse=yes file_type=any hidden=yes",
        "recurse=yes depth=2 file_type=any",
        "recurse=yes file_type=directory hidden=yes",
        "recurse=yes file_type=link",
        "recurse=yes patterns=*.txt,*.log excludes=c*",
        "recurse=yes use_regex=yes patterns=^[a-c]\\.(txt|log)$",
        "recurse=yes age=2w",
        "recurse=yes age=-1d file_type=any",
        "recurse=yes size=1k",
        "recurse=yes size=-1k",
        "recurse=yes contains=needle",
        "recurse=yes contains=here read_whole_file=yes",
        "recurse=yes follow=yes file_type=file",
    ];

    [LabTheory]
    [MemberData(nameof(Cases))]
    public async Task Find_SameEntriesOrderAndCounts_AsAnsible(string arguments)
    {
        await MachinePackages.EnsureAsync(MachinePackages.Oracles, Environment.UserName == "root", output.WriteLine, CancellationToken.None);
        Build();
        var ansible = await AnsibleAsync($"paths={_root} {arguments}");
        var fleet = Fleet(arguments);

        Assert.Equal(ansible.GetProperty("examined").GetInt64(), (long)fleet.Data["examined"]!);
        Assert.Equal(ansible.GetProperty("matched").GetInt32(), (int)fleet.Data["matched"]!);
        var expected = ansible.GetProperty("files").EnumerateArray().Select(Row).ToList();
        var actual = ((List<object?>)fleet.Data["files"]!).Cast<Dictionary<string, object?>>().Select(Row).ToList();
        Assert.Equal(string.Join('\n', expected), string.Join('\n', actual));
        Assert.True(ansible.GetProperty("examined").GetInt64() > 0, "the tree was not built");
    }

    private void Build() => Run("/bin/sh", "-c", $"""
        set -e
        mkdir -p '{_root}' && cd '{_root}'
        printf 'hi\n' > a.txt && touch -d '2000-01-01' a.txt
        head -c 2048 /dev/zero > b.log
        echo x > .hidden
        printf 'PasswordAuthentication yes\n' > "it's \$(x).txt"
        mkdir -p sub/deep sub/.dot && echo 'needle here' > sub/c.txt && echo d > sub/deep/d.txt && echo e > sub/.dot/e.txt
        chmod 4750 sub/deep/d.txt && chown 12345:54321 b.log
        ln -s a.txt link && ln -s sub dirlink && ln -s nowhere broken
        """);

    /// <summary>The fields compared; with follow, a link's size and times are its target's in Fleet (find -L), so they are left out for links.</summary>
    private static string Row(JsonElement f) => Row(
        f.GetProperty("path").GetString()!, f.GetProperty("mode").GetString()!, f.GetProperty("isdir").GetBoolean(), f.GetProperty("islnk").GetBoolean(),
        f.GetProperty("size").GetInt64(), f.GetProperty("uid").GetInt64(), f.GetProperty("gid").GetInt64(), f.GetProperty("pw_name").GetString()!,
        f.GetProperty("gr_name").GetString()!, f.GetProperty("mtime").GetDouble(), f.GetProperty("inode").GetInt64(), f.GetProperty("nlink").GetInt64(),
        f.GetProperty("isuid").GetBoolean());

    private static string Row(Dictionary<string, object?> f) => Row(
        (string)f["path"]!, (string)f["mode"]!, (bool)f["isdir"]!, (bool)f["islnk"]!, (long)f["size"]!, (long)f["uid"]!, (long)f["gid"]!,
        (string)f["pw_name"]!, (string)f["gr_name"]!, (double)f["mtime"]!, (long)f["inode"]!, (long)f["nlink"]!, (bool)f["isuid"]!);

    private static string Row(string path, string mode, bool isdir, bool islnk, long size, long uid, long gid, string owner, string group, double mtime, long inode, long nlink, bool isuid) =>
        $"{path} {mode} dir={isdir} lnk={islnk} size={(islnk ? "-" : size)} {uid}:{gid} {owner}:{group} mtime={(islnk ? "-" : Math.Round(mtime, 5))} ino={inode} n={nlink} suid={isuid}";

    private NoChange Fleet(string arguments)
    {
        var values = new Dictionary<string, object?> { ["paths"] = (IReadOnlyList<string>)[_root] };
        foreach (var pair in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            values[key] = key is "patterns" or "excludes" ? value.Split(',') : value == "yes" ? true : key == "depth" ? (object)long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value;
        }

        var args = new ModuleArguments(values);
        var module = new FindModule();
        var context = new ModuleContext("local", false, "/");
        var cache = new FactCache();
        var batch = new FactBatch(module.Facts(args, context));
        batch.Parse(Run("/bin/sh", "-c", batch.Script()), cache);
        return Assert.IsType<NoChange>(module.Plan(args, cache, context));
    }

    private static async Task<JsonElement> AnsibleAsync(string arguments)
    {
        var start = new ProcessStartInfo("ansible", ["localhost", "-o", "-m", "find", "-a", arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ANSIBLE_LOCALHOST_WARNING"] = "False";
        start.Environment["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "False";
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var json = stdout[(stdout.IndexOf("=> ", StringComparison.Ordinal) + 3)..];
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} failed: {process.StandardError.ReadToEnd()}");
        return stdout;
    }
}
