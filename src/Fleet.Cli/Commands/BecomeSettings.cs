using System.ComponentModel;
using System.Text;
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
    [Description("Ask for the sudo password on the terminal (not echoed); ansible_become_password in the inventory wins over it.")]
    public bool AskBecomePass { get; init; }

    [CommandOption("-k|--ask-pass")]
    [Description("Ask for the SSH login password on the terminal (not echoed); ansible_password in the inventory wins over it.")]
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

    /// <summary>The login password (<c>-k</c>) asked now, or null when not asked for.</summary>
    public Secret? AskedPassword() => AskPass ? Ask("SSH password: ", "-k/--ask-pass") : null;

    /// <summary>The sudo password (<c>-K</c>) asked now, or null when not asked for; empty means the login password, as in Ansible.</summary>
    public Secret? AskedBecomePassword(Secret? login)
    {
        if (!AskBecomePass)
        {
            return null;
        }

        var typed = Ask(AskPass ? "BECOME password[defaults to SSH password]: " : "BECOME password: ", "-K/--ask-become-pass");
        return typed.Reveal().Length == 0 && login is not null ? login : typed;
    }

    /// <summary>Asks on the terminal without echo (prompt on stderr); without a terminal the option is refused.</summary>
    private Secret Ask(string prompt, string option)
    {
        if (Console.IsInputRedirected)
        {
            throw new FleetInputException($"{option} asks on the terminal, and stdin is not one: give the password in the inventory (ansible_become_password / ansible_password, vaulted) or through password_env / become_password_env");
        }

        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return new Secret(text.ToString());
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
