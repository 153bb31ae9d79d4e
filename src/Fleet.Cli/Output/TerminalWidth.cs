namespace Fleet.Cli.Output;

/// <summary>The width tables and help wrap to: the terminal's, or 80 columns when stdout is not a terminal (a pipe, a file, CI).</summary>
internal static class TerminalWidth
{
    /// <summary>The width when stdout is not a terminal.</summary>
    public const int NotATerminal = 80;

    /// <summary>The width for this process's stdout.</summary>
    public static int Columns { get; } = Measure();

    private static int Measure()
    {
        if (Console.IsOutputRedirected)
        {
            return NotATerminal;
        }

        try
        {
            return Console.WindowWidth is var columns and >= 20 ? columns : NotATerminal;
        }
        catch (IOException)
        {
            return NotATerminal; // a terminal that does not tell its size
        }
    }
}
