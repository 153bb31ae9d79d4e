using System.Text;

namespace Fleet.Cli.Output;

/// <summary>
/// Asks for a password as ansible-playbook's getpass does: the prompt on stderr, the typed text never echoed; without a terminal
/// on stdin, the next line of stdin is the password (with a warning, as getpass warns), and an ended stdin gives none.
/// </summary>
internal static class PasswordPrompt
{
    /// <summary>The password typed or piped after <paramref name="prompt"/>; null when stdin ended before a line.</summary>
    public static string? Ask(string prompt)
    {
        Console.Error.Write(prompt);
        if (Console.IsInputRedirected)
        {
            var line = Console.In.ReadLine();
            Console.Error.WriteLine();
            Console.Error.WriteLine(line is null
                ? "warning: stdin is not a terminal and ended before a password line: none is used"
                : "warning: stdin is not a terminal: the password was read from its next line, as ansible-playbook reads it");
            return line;
        }

        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return text.ToString();
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
