using Fleet.Core.Reports;
using Spectre.Console;

namespace Fleet.Cli.Output;

/// <summary>Text from hosts for the console: control characters made visible, then escaped for Spectre markup.</summary>
internal static class Display
{
    /// <summary>Safe to put inside markup.</summary>
    public static string Markup(string? text) => Spectre.Console.Markup.Escape(PrintableText.Of(text) ?? "");

    /// <summary>Safe to write as plain text.</summary>
    public static string Plain(string? text) => PrintableText.Of(text) ?? "";
}
