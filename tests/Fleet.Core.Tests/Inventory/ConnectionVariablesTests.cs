using Fleet.Core.Inventory;

namespace Fleet.Core.Tests.Inventory;

/// <summary>Ansible's connection and privilege variables in an inventory: honoured, mapped to a bastion, or refused where written.</summary>
public sealed class ConnectionVariablesTests : IDisposable
{
    private readonly TempFiles _files = new();

    private FleetInputException LoadFails(string inventory) =>
        Assert.Throws<FleetInputException>(() => InventoryLoader.Load(_files.Write("inv.yml", inventory)));

    [Theory]
    [InlineData("ansible_pipelining: true", "ansible_pipelining is not supported")]
    [InlineData("ansible_ssh_executable: /usr/bin/ssh", "runs no ssh, scp or sftp program")]
    [InlineData("ansible_shell_type: csh", "POSIX /bin/sh")]
    [InlineData("ansible_scp_if_ssh: smart", "with no scp or sftp")]
    [InlineData("ansible_become_flags: [-E]", "ansible_become_flags must be text")]
    [InlineData("ansible_become_exe: /usr/local/bin/sudo", "ansible_become_exe is not supported")]
    [InlineData("ansible_sudo_pass: x", "write ansible_become_password")]
    [InlineData("ansible_become_method: su", "become_method 'su' is not supported")]
    [InlineData("ansible_become_method: su", "su reads its password only from a terminal")]
    [InlineData("ansible_su_user: postgres", "su needs a terminal for its password")]
    [InlineData("ansible_become_method: doas", "become_method 'doas' is not supported: Fleet becomes another user with sudo only")]
    [InlineData("ansible_ssh_timeout: 30", "-T/--timeout")]
    public void Load_ConnectionVariableFleetDoesNotHonour_IsLocatedError(string variable, string message)
    {
        var ex = LoadFails($"all:\n  hosts:\n    h1: {{ {variable} }}\n");

        var error = Assert.Single(ex.Errors);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location!.Value.Line);
        Assert.EndsWith("inv.yml", error.Location.Value.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PythonInterpreterAndBecomeUser_AreAccepted()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", "all:\n  hosts:\n    h1: { ansible_python_interpreter: /usr/bin/python3, ansible_become_user: postgres, ansible_become_method: sudo, ansible_become_flags: -H -S -i }\n"));

        Assert.Equal("postgres", inventory.Hosts[0].Vars["ansible_become_user"]);
    }

    [Fact]
    public void ResolveTarget_PasswordsWrittenInInventory_AreTheTargetsSecrets()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", """
            all:
              vars: { sudo_secret: s3cret-sudo }
              hosts:
                h1: { ansible_ssh_pass: s3cret-login, ansible_become_pass: "{{ sudo_secret }}" }
                h2: { ansible_password: a, ansible_become_password: b, ansible_become_pass: c }
            """));

        var first = inventory.ResolveTarget(inventory.Hosts[0]);
        var second = inventory.ResolveTarget(inventory.Hosts[1]);

        Assert.Equal(("s3cret-login", "s3cret-sudo"), (first.Password!.Reveal(), first.BecomePassword!.Reveal()));
        Assert.Equal(("a", "b"), (second.Password!.Reveal(), second.BecomePassword!.Reveal()));
        Assert.DoesNotContain("s3cret", first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTarget_AskedPasswords_RankBelowTheInventorys()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", "all:\n  hosts:\n    h1: { ansible_become_pass: written }\n    h2: {}\n"));
        inventory.AskedPassword = new Secret("asked-login");
        inventory.AskedBecomePassword = new Secret("asked-sudo");

        Assert.Equal("written", inventory.ResolveTarget(inventory.Hosts[0]).BecomePassword!.Reveal());
        Assert.Equal(("asked-login", "asked-sudo"), (inventory.ResolveTarget(inventory.Hosts[1]).Password!.Reveal(), inventory.ResolveTarget(inventory.Hosts[1]).BecomePassword!.Reveal()));
    }

    [Theory]
    [InlineData("-o ProxyJump=ops@bastion:2222", "ops@bastion:2222")]
    [InlineData("-J bastion", "bastion")]
    [InlineData("-Jbastion", "bastion")]
    [InlineData("-o 'ProxyJump ssh://ops@bastion'", "ops@bastion")]
    [InlineData("-o ProxyCommand=\"ssh -W %h:%p -q ops@bastion\"", "ops@bastion")]
    [InlineData("-o ProxyCommand='ssh -W %h:%p -p 2222 -l ops bastion'", "ops@bastion:2222")]
    [InlineData("-o ProxyCommand=\"ssh -W %h:%p -q {{ jump_user }}@{{ jump_host }}\"", "{{ jump_user }}@{{ jump_host }}")]
    [InlineData("", null)]
    public void Parse_Bastion_IsFleetsJump(string text, string? jump)
    {
        Assert.Equal((jump, null), SshArguments.Parse("ansible_ssh_common_args", text));
    }

    [Theory]
    [InlineData("-o Port=2222", "'-o Port' is not supported", "ansible_port")]
    [InlineData("-C", "'-C' is not supported", "leave it out")]
    [InlineData("-o ProxyCommand=\"nc -X 5 -x proxy:1080 %h %p\"", "ProxyCommand 'nc -X 5 -x proxy:1080 %h %p' is not supported", "ssh -W")]
    [InlineData("-o ProxyCommand=\"ssh -W %h:%p -i key bastion\"", "ProxyCommand ssh option '-i'", "inventory host")]
    [InlineData("-J a,b", "names several hops", "jump")]
    [InlineData("-o ProxyJump='bastion", "quote is not closed", "quote")]
    public void Parse_OtherSshOption_IsRefusedByName(string text, string message, string instead)
    {
        var (jump, error) = SshArguments.Parse("ansible_ssh_extra_args", text);

        Assert.Null(jump);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains(instead, error, StringComparison.Ordinal);
        Assert.StartsWith("ansible_ssh_extra_args: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SshCommonArgsProxyCommand_TunnelsThroughThatBastion()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", """
            all:
              vars:
                ansible_ssh_common_args: '-o ProxyCommand="ssh -W %h:%p -q ops@{{ gateway }}"'
                gateway: 192.0.2.1
              hosts:
                h1: { ansible_host: 10.0.0.5 }
            """));

        var jump = inventory.ResolveTarget(inventory.Hosts[0]).Jump;

        Assert.Equal(("ops", "192.0.2.1", 22), (jump!.User, jump.Address, jump.Port));
    }

    [Fact]
    public void Load_SshArgsAndADifferentJump_IsLocatedError()
    {
        var ex = LoadFails("all:\n  hosts:\n    h1: { jump: a, ansible_ssh_extra_args: -J b }\n");

        Assert.Contains("names the bastion 'b' but jump", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusedSshOption_IsLocatedAtTheVariable()
    {
        var ex = LoadFails("all:\n  vars:\n    ansible_ssh_common_args: -o ServerAliveInterval=5\n  hosts:\n    h1:\n");

        var error = Assert.Single(ex.Errors);
        Assert.Equal((3, 30), (error.Location!.Value.Line, error.Location.Value.Column));
        Assert.Contains("host 'h1': ansible_ssh_common_args: ssh option '-o ServerAliveInterval'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlayLogin_RemoteUser_RanksBelowTheInventorysUserAndAboveDashU()
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", "all:\n  hosts:\n    h1: { ansible_user: admin }\n    h2: {}\n"), [("user", "cli", new SourceLocation(Fleet.Core.Inventory.Inventory.CommandLineUser, 1, 1))]);

        Assert.Null(Fleet.Core.Inventory.Inventory.PlayLogin(inventory.Hosts[0], "deploy"));
        Assert.Equal("deploy", Fleet.Core.Inventory.Inventory.PlayLogin(inventory.Hosts[1], "deploy"));
        Assert.Null(Fleet.Core.Inventory.Inventory.PlayLogin(inventory.Hosts[1], null));
    }

    public void Dispose() => _files.Dispose();
}
