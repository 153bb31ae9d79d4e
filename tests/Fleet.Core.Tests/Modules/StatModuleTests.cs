using Fleet.Core.Modules;
using Fleet.Core.Modules.Stat;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>stat: Ansible's stat dictionary, read with the machine's own stat.</summary>
public sealed class StatModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    private static IReadOnlyDictionary<string, object?> StatOf(TaskPlan plan) =>
        Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(Assert.IsType<NoChange>(plan).Data["stat"]);

    [Fact]
    public void Stat_RegularFile_HasModeOwnerSizeAndSha1()
    {
        var path = _files.Write("f", "abc");

        var stat = StatOf(Apply(new StatModule(), Args(("path", path))));

        Assert.Equal(true, stat["exists"]);
        Assert.Equal(true, stat["isreg"]);
        Assert.Equal(3L, stat["size"]);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", stat["checksum"]);
    }

    [Fact]
    public void Stat_LinkToNothing_IsALink_FollowedItDoesNotExist()
    {
        var link = Path.Combine(_files.Dir, "dangling");
        File.CreateSymbolicLink(link, Path.Combine(_files.Dir, "nothing"));

        var own = StatOf(Apply(new StatModule(), Args(("path", link))));
        var followed = StatOf(Apply(new StatModule(), Args(("path", link), ("follow", true))));

        Assert.Equal(true, own["islnk"]);
        Assert.Equal(Path.Combine(_files.Dir, "nothing"), own["lnk_target"]);
        Assert.Equal(false, Assert.Single(followed).Value);
    }

    public void Dispose() => _files.Dispose();
}
