using Fleet.Core.Modules;

namespace Fleet.Core.Tests.Modules;

/// <summary>Where a controller file is looked for, as a message names the places.</summary>
public sealed class ControllerFilesTests
{
    [Fact]
    public void Places_HomeRelativePath_IsTheHomeOnlyNotUnderThePlaybook()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal([Path.Combine(home, ".ssh/id_ed25519.pub")], ControllerFiles.Places("~/.ssh/id_ed25519.pub", "/srv/playbooks"));
    }

    [Fact]
    public void Places_AbsolutePath_IsItself()
    {
        Assert.Equal(["/etc/keys/admin.pub"], ControllerFiles.Places("/etc/keys/admin.pub", "/srv/playbooks"));
    }

    [Fact]
    public void Places_RelativePath_IsBesideThePlaybookThenInFiles()
    {
        Assert.Equal(["/srv/playbooks/admin.pub", "/srv/playbooks/files/admin.pub"], ControllerFiles.Places("admin.pub", "/srv/playbooks"));
    }
}
