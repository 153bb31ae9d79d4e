using Fleet.Core.Inputs;

namespace Fleet.Core.Tests.Inputs;

/// <summary>
/// <c>--ssh-common-args</c> and <c>--ssh-extra-args</c>: read as Ansible's variables of the same name for every host, a bastion
/// becoming its jump, below any inventory value; other ssh options refused once, naming the option.
/// </summary>
public sealed class SshArgumentOptionsTests : IDisposable
{
    private readonly TempFiles _files = new();

    private string Inventory() => _files.Write("inventory.yml", """
        all:
          hosts:
            bastion: { ansible_host: 192.0.2.1, ansible_user: gate }
            web1: { ansible_host: 192.0.2.10 }
            web2: { ansible_host: 192.0.2.11, ansible_ssh_common_args: "-J other.example.org" }
            db1: { ansible_host: 192.0.2.20, jump: "admin@db-gate:2200" }
        """);

    private static RunInputs Load(string inventory, string option, string text) => RunInputs.Load(new RunInputsOptions
    {
        Inventory = inventory,
        CheckTargets = false,
        SshArguments = new Dictionary<string, string> { [option] = text },
    });

    [Theory]
    [InlineData("--ssh-common-args", "-o ProxyCommand=\"ssh -W %h:%p -q root@bastion\"")]
    [InlineData("--ssh-extra-args", "-J root@bastion")]
    [InlineData("--ssh-common-args", "-o ProxyJump=root@bastion")]
    public void Option_NamingAnInventoryBastion_IsEveryHostsJumpAsThatHostWithTheUserWritten(string option, string text)
    {
        var inputs = Load(Inventory(), option, text);

        var target = inputs.Inventory.ResolveTarget(inputs.Inventory.Find("web1")!);
        Assert.Equal(("bastion", "192.0.2.1", "root"), (target.Jump?.Name, target.Jump?.Address, target.Jump?.User));
    }

    [Fact]
    public void Option_ForTheBastionItself_IsADirectLogin()
    {
        var inputs = Load(Inventory(), "--ssh-common-args", "-o ProxyCommand=\"ssh -W %h:%p -q root@bastion\"");

        var target = inputs.Inventory.ResolveTarget(inputs.Inventory.Find("bastion")!);
        Assert.Null(target.Jump);
        Assert.Equal(("192.0.2.1", "gate"), (target.Address, target.User));
    }

    [Fact]
    public void Option_RanksBelowTheInventorysSshArgumentsAndJump()
    {
        var inputs = Load(Inventory(), "--ssh-common-args", "-J bastion");

        var web2 = inputs.Inventory.ResolveTarget(inputs.Inventory.Find("web2")!);
        var db1 = inputs.Inventory.ResolveTarget(inputs.Inventory.Find("db1")!);
        Assert.Equal("other.example.org", web2.Jump?.Address);
        Assert.Equal(("db-gate", 2200, "admin"), (db1.Jump?.Address, db1.Jump?.Port, db1.Jump?.User));
    }

    [Fact]
    public void Option_OtherSshOption_IsOneErrorNamingTheOption()
    {
        var error = Assert.Throws<FleetInputException>(() => Load(Inventory(), "--ssh-extra-args", "-o Port=2222"));

        var only = Assert.Single(error.Errors);
        Assert.Null(only.Location);
        Assert.StartsWith("--ssh-extra-args: ssh option '-o Port' is not supported", only.Message, StringComparison.Ordinal);
        Assert.Contains("ansible_port", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Option_HostKeyOptions_AreEveryHostsBelowTheInventorysKnownHosts()
    {
        var inventory = _files.Write("keys.yml", "all:\n  hosts:\n    web1: {}\n    web2: { known_hosts: /srv/kh }\n");

        var inputs = Load(inventory, "--ssh-common-args", "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null");

        var web1 = inputs.Inventory.ResolveTarget(inputs.Inventory.Find("web1")!);
        var web2 = inputs.Inventory.ResolveTarget(inputs.Inventory.Find("web2")!);
        Assert.Equal((HostKeyPolicy.Off, "/dev/null"), (web1.HostKeyPolicy, web1.KnownHostsPath));
        Assert.Equal((HostKeyPolicy.Off, "/srv/kh"), (web2.HostKeyPolicy, web2.KnownHostsPath));
    }

    public void Dispose() => _files.Dispose();
}
