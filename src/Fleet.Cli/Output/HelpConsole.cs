using Spectre.Console;

namespace Fleet.Cli.Output;

/// <summary>The console <c>--help</c> and <c>fleet help</c> write to: wrapped to a width, with no padding at the ends of lines.</summary>
internal static class HelpConsole
{
    /// <summary>A console writing to <paramref name="output"/> at <paramref name="width"/> columns, in color only when <paramref name="color"/>.</summary>
    public static IAnsiConsole Create(TextWriter output, int width, bool color)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(new TrimmedLinesWriter(output)),
        });
        console.Profile.Width = width;
        return console;
    }
}
