using Fleet.Core.Facts;

namespace Fleet.Core.Tests.Execution;

/// <summary>A change forgets exactly the facts about what it touched.</summary>
public sealed class FactInvalidationTests
{
    private static FactCache Cache(params Fact[] facts)
    {
        var cache = new FactCache();
        foreach (var fact in facts)
        {
            cache.Set(fact, fact is FileFact ? FileState.Missing : true);
        }

        return cache;
    }

    [Fact]
    public void TreeTouch_ForgetsThatPathAndWhatIsUnderIt_KeepsOthers()
    {
        var cache = Cache(new FileFact("/etc/ssh"), new FileFact("/etc/ssh/sshd_config"), new FileFact("/etc/sshd"), new FileFact("/etc/hosts"));

        cache.Invalidate([Subject.Tree("/etc/ssh")]);

        Assert.False(cache.Contains(new FileFact("/etc/ssh")));
        Assert.False(cache.Contains(new FileFact("/etc/ssh/sshd_config")));
        Assert.True(cache.Contains(new FileFact("/etc/sshd")), "a sibling whose name merely starts the same was forgotten");
        Assert.True(cache.Contains(new FileFact("/etc/hosts")));
    }

    [Fact]
    public void PathTouch_ForgetsOnlyThatPath()
    {
        // mkdir of a missing directory does not change what a later task will write under it.
        var cache = Cache(new FileFact("/etc/app"), new FileFact("/etc/app/app.conf"));

        cache.Invalidate([Subject.Path("/etc/app")]);

        Assert.False(cache.Contains(new FileFact("/etc/app")));
        Assert.True(cache.Contains(new FileFact("/etc/app/app.conf")));
    }

    [Fact]
    public void PathTouchUnderATree_ForgetsAFactThatReadsTheTree() =>
        Assert.True(Subject.Path("/etc/ssh/sshd_config.d/fleet.conf").Overlaps(Subject.Tree("/etc/ssh")));

    [Fact]
    public void PackageChange_ForgetsFilesButNotTheSystemFacts()
    {
        var cache = Cache(new FileFact("/etc/fail2ban/jail.local"), new PathExistsFact("/usr/bin/lynis"));
        cache.Set(new SystemFact(), "system");

        cache.Invalidate(Subject.PackageChange(["fail2ban"]));

        Assert.False(cache.Contains(new FileFact("/etc/fail2ban/jail.local")));
        Assert.False(cache.Contains(new PathExistsFact("/usr/bin/lynis")));
        Assert.True(cache.Contains(new SystemFact()));
    }

    [Fact]
    public void KindsDoNotOverlap_NamesDo()
    {
        Assert.False(Subject.Service("ssh").Overlaps(Subject.Package("ssh")));
        Assert.False(Subject.User("deploy").Overlaps(Subject.User("root")));
        Assert.True(Subject.User(null).Overlaps(Subject.User("root")));
        Assert.True(Subject.Everything.Overlaps(Subject.Firewall));
    }

    [Fact]
    public void NullOrEverything_ForgetsAll()
    {
        var cache = Cache(new FileFact("/a"));
        cache.Set(new SystemFact(), "system");
        cache.Invalidate([Subject.Everything]);
        Assert.Equal(0, cache.Count);
    }
}
