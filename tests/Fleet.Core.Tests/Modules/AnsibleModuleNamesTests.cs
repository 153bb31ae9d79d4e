using Fleet.Core.Modules;

namespace Fleet.Core.Tests.Modules;

public sealed class AnsibleModuleNamesTests
{
    [Theory]
    [InlineData("dnf", "ansible.builtin.dnf")]
    [InlineData("ansible.builtin.yum", "ansible.builtin.yum")]
    [InlineData("ansible.legacy.dnf", "ansible.builtin.dnf")]
    [InlineData("seport", "community.general.seport")]
    [InlineData("selinux", "ansible.posix.selinux")]
    [InlineData("zypper", "community.general.zypper")]
    [InlineData("community.general.system.ufw", "community.general.ufw")]
    [InlineData("community.crypto.openssh_keypair", "community.crypto.openssh_keypair")]
    public void Resolve_NameAnsibleKnows_IsItsModule(string name, string expected) =>
        Assert.Equal(expected, AnsibleModuleNames.Resolve(name, []));

    [Theory]
    [InlineData("dnff")]
    [InlineData("community.general.nope")]
    [InlineData("")]
    [InlineData("ansible.builtin.")]
    public void Resolve_NoSuchModule_IsNull(string name) => Assert.Null(AnsibleModuleNames.Resolve(name, []));

    [Fact]
    public void Resolve_ShortName_LooksInThePlaysCollectionsFirst()
    {
        // crypto_info came after Ansible 2.9 and has no ansible.builtin redirect: only the collections keyword finds it.
        Assert.Null(AnsibleModuleNames.Resolve("crypto_info", []));
        Assert.Equal("community.crypto.crypto_info", AnsibleModuleNames.Resolve("crypto_info", ["community.crypto"]));
    }
}
