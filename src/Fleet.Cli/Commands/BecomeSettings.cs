using System.ComponentModel;
using Fleet.Cli.Output;
using Fleet.Core;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>The privilege and password options of apply and check, with Ansible's names; inventory and playbooks rank above them.</summary>
internal class BecomeSettings : ConnectionSettings
{
    [CommandOption("-b|--become")]
    [Description("Run tasks through sudo (a play's, block's or task's become: false still wins, and the inventory's become too).")]
    public bool Become { get; init; }

    [CommandOption("--become-user <USER>")]
    [Description("Whom tasks that become run as when no become_user keyword or ansible_become_user variable says. Default root.")]
    public string? BecomeUser { get; init; }

    [CommandOption("--become-method <METHOD>")]
    [Description("sudo, the only method Fleet runs (others are refused).")]
    public string? BecomeMethod { get; init; }

    [CommandOption("-K|--ask-become-pass")]
    [Description("Ask for the sudo password on the terminal (not echoed; without a terminal, stdin's next line, as ansible-playbook); ansible_become_password in the inventory wins over it.")]
    public bool AskBecomePass { get; init; }

    [CommandOption("-k|--ask-pass")]
    [Description("Ask for the SSH login password on the terminal (not echoed; without a terminal, stdin's next line, as ansible-playbook); ansible_password in the inventory wins over it.")]
    public bool AskPass { get; init; }

    /// <summary>Checks the options; a become method other than sudo is invalid input.</summary>
    public void CheckBecome()
    {
        if (BecomeMethod is { } method && method != Core.Inventory.ConnectionVariables.SudoMethod)
        {
            throw new FleetInputException("--become-method: " + Core.Inventory.ConnectionVariables.MethodRefused(method));
        }

        if (BecomeUser is { } user && string.IsNullOrWhiteSpace(user))
        {
            throw new FleetInputException("--become-user must name a user");
        }
    }

    /// <summary>The login password (<c>-k</c>) asked now, or null when not asked for or stdin ended first (ansible-playbook then has none too).</summary>
    public Secret? AskedPassword() => AskPass && PasswordPrompt.Ask("SSH password: ") is { } typed ? new Secret(typed) : null;

    /// <summary>The sudo password (<c>-K</c>) asked now, or null when not asked for or stdin ended first; empty means the login password, as in Ansible.</summary>
    public Secret? AskedBecomePassword(Secret? login)
    {
        if (!AskBecomePass || PasswordPrompt.Ask(AskPass ? "BECOME password[defaults to SSH password]: " : "BECOME password: ") is not { } typed)
        {
            return null;
        }

        return typed.Length == 0 && login is not null ? login : new Secret(typed);
    }
}
