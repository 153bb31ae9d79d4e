using Fleet.Core.Inventory;

namespace Fleet.Core.Tests.Inventory;

/// <summary>
/// ssh's <c>-o StrictHostKeyChecking</c> and <c>-o UserKnownHostsFile</c> in Ansible's ssh args: read as ssh reads them and
/// mapped onto the host's own host-key policy and known_hosts file.
/// </summary>
public sealed class SshHostKeyOptionsTests : IDisposable
{
    private readonly TempFiles _files = new();

    private FleetInputException LoadFails(string inventory) =>
        Assert.Throws<FleetInputException>(() => InventoryLoader.Load(_files.Write("inv.yml", inventory)));

    [Theory]
    [InlineData("-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null", "off", "/dev/null")]
    [InlineData("-oStrictHostKeyChecking=accept-new", "accept-new", null)]
    [InlineData("-o 'stricthostkeychecking yes'", "strict", null)]
    [InlineData("-o \"StrictHostKeyChecking = ASK\"", "strict", null)]
    [InlineData("-o StrictHostKeyChecking=false", "off", null)]
    [InlineData("-o StrictHostKeyChecking=yes -o StrictHostKeyChecking=no", "strict", null)]
    [InlineData("-o UserKnownHostsFile=none", null, "/dev/null")]
    [InlineData("-o 'UserKnownHostsFile ~/.ssh/lab_hosts' -o UserKnownHostsFile=/other", null, "~/.ssh/lab_hosts")]
    [InlineData("-o UserKnownHostsFile={{ playbook_dir }}/known_hosts", null, "{{ playbook_dir }}/known_hosts")]
    public void Read_HostKeyOptions_AreFleetsPolicyAndFile_FirstValueWinning(string text, string? policy, string? knownHosts)
    {
        var (values, error) = SshArguments.Read("ansible_ssh_common_args", text);

        Assert.Null(error);
        Assert.Equal(new SshArguments.SshArgumentValues(null, policy, knownHosts), values);
    }

    [Fact]
    public void Read_BastionBesideHostKeyOptions_KeepsAll()
    {
        var (values, error) = SshArguments.Read("ansible_ssh_common_args", "-J ops@bastion -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/tmp/kh");

        Assert.Null(error);
        Assert.Equal(new SshArguments.SshArgumentValues("ops@bastion", "accept-new", "/tmp/kh"), values);
    }

    [Theory]
    [InlineData("-o StrictHostKeyChecking=maybe", "StrictHostKeyChecking must be yes, ask, accept-new, no or off, not 'maybe'")]
    [InlineData("-o StrictHostKeyChecking={{ checking }}", "StrictHostKeyChecking: a template is not supported here")]
    [InlineData("-o 'UserKnownHostsFile /a /b'", "names several files")]
    [InlineData("-o UserKnownHostsFile=~/.ssh/known_hosts_%h", "%-tokens")]
    [InlineData("-o UserKnownHostsFile=", "UserKnownHostsFile needs a file")]
    public void Read_HostKeyOptionFleetCannotHonour_IsAnErrorNamingIt(string text, string message)
    {
        var (values, error) = SshArguments.Read("ansible_ssh_extra_args", text);

        Assert.Null(values);
        Assert.StartsWith("ansible_ssh_extra_args: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTarget_SshCommonArgs_GiveTheHostItsPolicyAndFileWithWhereTheyWereWritten()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.ini", """
            [web]
            web1 ansible_host=192.0.2.10 ansible_ssh_common_args='-o StrictHostKeyChecking=yes -o UserKnownHostsFile=~/lab_known_hosts'
            web2 ansible_host=192.0.2.11
            """));

        var web1 = inventory.ResolveTarget(inventory.Hosts[0]);
        var web2 = inventory.ResolveTarget(inventory.Hosts[1]);

        Assert.Equal(HostKeyPolicy.Strict, web1.HostKeyPolicy);
        Assert.Equal(("inv.ini", 2), (Path.GetFileName(web1.HostKeyPolicyAt!.Value.File), web1.HostKeyPolicyAt.Value.Line));
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "lab_known_hosts"), web1.KnownHostsPath);
        Assert.Equal(((HostKeyPolicy?)null, (string?)null), (web2.HostKeyPolicy, web2.KnownHostsPath));
    }

    [Fact]
    public void ResolveTarget_CommonArgsBeforeExtraArgs_TheFirstValueWinsAsInSsh()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", """
            all:
              hosts:
                h1:
                  ansible_ssh_extra_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/extra
                  ansible_ssh_common_args: -o StrictHostKeyChecking=accept-new
            """));

        var target = inventory.ResolveTarget(inventory.Hosts[0]);

        Assert.Equal((HostKeyPolicy.AcceptNew, "/extra"), (target.HostKeyPolicy!.Value, target.KnownHostsPath));
    }

    [Theory]
    [InlineData("all:\n  vars:\n    known_hosts: /srv/kh\n  hosts:\n    h1: { ansible_ssh_extra_args: -o UserKnownHostsFile=/dev/null }\n", 5, "names the UserKnownHostsFile '/dev/null' but known_hosts (at ")]
    [InlineData("all:\n  hosts:\n    h1: { host_key_policy: never }\n", 3, "host 'h1': host_key_policy must be strict, accept-new or off, not 'never'")]
    public void Load_HostKeySettingsThatDisagreeOrAreNoPolicy_AreLocatedErrors(string text, int line, string message)
    {
        var ex = LoadFails(text);

        var error = Assert.Single(ex.Errors);
        Assert.Equal(line, error.Location!.Value.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TheSameKnownHostsInBoth_IsNoConflict()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", "all:\n  vars:\n    known_hosts: /srv/kh\n  hosts:\n    h1: { ansible_ssh_extra_args: -o UserKnownHostsFile=/srv/kh }\n"));

        Assert.Equal("/srv/kh", inventory.ResolveTarget(inventory.Hosts[0]).KnownHostsPath);
    }

    public void Dispose() => _files.Dispose();
}
