using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Mount;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>mount: fstab edited as Ansible's module edits it (a real file here), and the mount commands planned for mounted/unmounted.</summary>
public sealed class MountModuleTests : IDisposable
{
    private const string Original = "# /etc/fstab: static file system information.\n#\tkeep\t this comment\n\nUUID=abc  /      ext4  errors=remount-ro 0 1\n/dev/sdb1\t/srv\txfs\tdefaults\t0\t2\nproc /proc proc defaults 0 0";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fleet-mount-" + Guid.NewGuid().ToString("N"));

    public MountModuleTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Fstab, Original);
    }

    private string Fstab => Path.Combine(_dir, "fstab");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TaskPlan Run(string state, string path, params (string, object?)[] more) =>
        Apply(new MountModule(), Args([("path", path), ("state", state), ("fstab", Fstab), .. more]));

    [Fact]
    public void Present_AppendsTheEntry_KeepsEveryOtherByteAndIsANoOpTheSecondTime()
    {
        var first = Assert.IsType<Change>(Run("present", "/mnt/data", ("src", "tmpfs"), ("fstype", "tmpfs"), ("opts", "size=10m,nodev")));
        var second = Run("present", "/mnt/data", ("src", "tmpfs"), ("fstype", "tmpfs"), ("opts", "size=10m,nodev"));

        // As Ansible: the last line gains its newline, the new entry is one space-separated line.
        Assert.Equal(Original + "\ntmpfs /mnt/data tmpfs size=10m,nodev 0 0\n", File.ReadAllText(Fstab));
        Assert.Contains("+tmpfs /mnt/data tmpfs size=10m,nodev 0 0", first.Diff, StringComparison.Ordinal);
        Assert.IsType<NoChange>(second);
        Assert.DoesNotContain("mount ", first.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Present_ChangedOptions_RewriteOnlyThatLine_InPlace()
    {
        Assert.IsType<Change>(Run("present", "/srv", ("src", "/dev/sdb1"), ("fstype", "xfs"), ("opts", "defaults,noatime"), ("passno", "2")));

        Assert.Equal(Original.Replace("/dev/sdb1\t/srv\txfs\tdefaults\t0\t2\n", "/dev/sdb1 /srv xfs defaults,noatime 0 2\n", StringComparison.Ordinal) + "\n", File.ReadAllText(Fstab));
        Assert.IsType<NoChange>(Run("present", "/srv", ("src", "/dev/sdb1"), ("fstype", "xfs"), ("opts", "defaults,noatime"), ("passno", "2")));
    }

    [Fact]
    public void Present_SameFieldsWithOtherWhitespace_IsNoChange()
    {
        var plan = Run("present", "/srv", ("src", "/dev/sdb1"), ("fstype", "xfs"), ("passno", "2"));

        Assert.IsType<NoChange>(plan);
        Assert.Equal(Original, File.ReadAllText(Fstab));
    }

    [Fact]
    public void Absent_RemovesTheEntryOnly_ThenNoChange()
    {
        var plan = Assert.IsType<Change>(Run("absent", "/srv"));

        Assert.Equal(Original.Replace("/dev/sdb1\t/srv\txfs\tdefaults\t0\t2\n", "", StringComparison.Ordinal), File.ReadAllText(Fstab));
        Assert.Contains("-/dev/sdb1\t/srv\txfs\tdefaults\t0\t2", plan.Diff, StringComparison.Ordinal);
        Assert.IsType<NoChange>(Run("absent", "/srv"));
    }

    [Fact]
    public void OddQuoting_SpacesAndAmpersandsAreEscapedAsFstabWantsThem()
    {
        Assert.IsType<Change>(Run("present", "/mnt/my disk & more", ("src", "//server/share name"), ("fstype", "cifs"), ("opts", "user=a b")));

        Assert.EndsWith("//server/share\\040name /mnt/my\\040disk\\040\\046\\040more cifs user=a\\040b 0 0\n", File.ReadAllText(Fstab), StringComparison.Ordinal);
        Assert.IsType<NoChange>(Run("present", "/mnt/my disk & more", ("src", "//server/share name"), ("fstype", "cifs"), ("opts", "user=a b")));
        Assert.IsType<Change>(Run("absent", "/mnt/my disk & more"));
        Assert.Equal(Original + "\n", File.ReadAllText(Fstab));
    }

    [Fact]
    public void Mounted_NotMounted_PlansMkdirFstabAndMountFromTheFstab_WithTheWayBack()
    {
        var target = Path.Combine(_dir, "m", "deep");
        var module = new MountModule();
        var args = Args(("path", target), ("state", "mounted"), ("fstab", Fstab), ("src", "tmpfs"), ("fstype", "tmpfs"));
        var context = new ModuleContext("local", true, "/");

        var plan = Assert.IsType<Change>(module.Plan(args, Gather(module.Facts(args, context)), context));

        Assert.Equal([$"{Fstab}: entry for {target} set", $"{target} mounted"], plan.Changes);
        Assert.Contains($"mkdir -p {target}", plan.Script, StringComparison.Ordinal);
        Assert.Contains($"mount -T {Fstab} {target}", plan.Script, StringComparison.Ordinal);
        Assert.Contains("Error mounting", plan.Script, StringComparison.Ordinal);
        Assert.Contains(Subject.Path(Fstab), plan.Touches!);
    }

    [Fact]
    public void Unmounted_NothingMounted_IsNoChange_Remounted_AlwaysChanges()
    {
        Assert.IsType<NoChange>(Run("unmounted", _dir));
        var context = new ModuleContext("local", true, "/");
        var args = Args(("path", "/"), ("state", "remounted"), ("fstab", Fstab));
        var plan = Assert.IsType<Change>(new MountModule().Plan(args, Gather(new MountModule().Facts(args, context)), context));
        Assert.Contains($"mount -o remount -T {Fstab} /", plan.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Present_WithoutSrcOrFstype_FailsNamingThem()
    {
        var plan = Assert.IsType<PlanFailure>(Run("present", "/mnt/x", ("src", "tmpfs")));

        Assert.Equal("state is present but all of the following are missing: fstype", plan.Message);
    }

    [Fact]
    public void ShellInjection_InEveryStringParameter_IsWrittenLiterally()
    {
        var marker = Path.Combine(_dir, "pwned");
        var evil = $"x';touch {marker};'$(touch {marker})`touch {marker}`";
        var plan = Assert.IsType<Change>(Run("present", "/mnt/" + evil, ("src", evil), ("fstype", evil), ("opts", evil), ("dump", evil), ("passno", evil), ("backup", true)));

        Assert.False(File.Exists(marker));
        var line = File.ReadAllLines(Fstab)[^1];
        Assert.Equal(6, line.Split(' ').Length);
        Assert.StartsWith("x';touch", line, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_dir, "fstab.*.*-*-*@*:*:*~"));
        Assert.NotNull(plan.Diff);
    }
}
