using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>reboot's arguments at validation: Ansible's names only, and the values written without a template by the rules the run applies.</summary>
public sealed class RebootValidationTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private IReadOnlyList<InputError> Validate(string task)
    {
        var inventory = InventoryLoader.Load(_files.Write("inv.yml", "all:\n  hosts:\n    h1:\n"));
        var path = _files.Write("play.yml", $"- hosts: all\n  tasks:\n    - {task}\n");
        return PlaybookValidator.Validate([PlaybookLoader.Load(path, ModuleCatalog.Default)], inventory, new Dictionary<string, object?>(), ModuleCatalog.Default);
    }

    [Theory]
    [InlineData("reboot:")]
    [InlineData("ansible.builtin.reboot: { reboot_timeout: 900, connect_timeout: '5', pre_reboot_delay: -3, post_reboot_delay: 10, msg: bye }")]
    [InlineData("reboot: { test_command: uptime, boot_time_command: 'cat /run/boot', search_paths: [/lib/molly-guard], reboot_command: 'shutdown -r now' }")]
    [InlineData("reboot: { search_paths: '/sbin,/usr/sbin', reboot_timeout: \"{{ 300 + 60 }}\" }")]
    public void Validate_AnsiblesParameters_Accepted(string task) => Assert.Empty(Validate(task));

    [Theory]
    [InlineData("reboot: { reboot_timeout: soon }", "reboot: reboot_timeout must be a whole number of seconds, got 'soon'")]
    [InlineData("reboot: { connect_timeout: [1] }", "reboot: connect_timeout must be a whole number of seconds, got [1]")]
    [InlineData("reboot: { boot_time_command: 42 }", "reboot: Invalid value given for 'boot_time_command': 42 is not a string")]
    [InlineData("reboot: { reboot_command: true }", "reboot: Invalid value given for 'reboot_command': True is not a string")]
    [InlineData("reboot: { search_paths: { a: b } }", "reboot: 'search_paths' must be a string or flat list of strings, got {'a': 'b'}")]
    public void Validate_ValueAnsibleRefuses_IsALocatedError(string task, string message)
    {
        var error = Assert.Single(Validate(task));

        Assert.Equal(message, error.Message);
        Assert.Equal(3, error.Location!.Value.Line);
    }

    [Fact]
    public void Validate_SecondsAliasAnsibleNoLongerTakes_IsAnUnknownParameter()
    {
        var error = Assert.Single(Validate("reboot: { reboot_timeout_sec: 60 }"));

        Assert.Contains("reboot: unknown parameter 'reboot_timeout_sec'", error.Message, StringComparison.Ordinal);
    }
}
