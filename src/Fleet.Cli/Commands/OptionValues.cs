using System.Text.RegularExpressions;
using Fleet.Core;
using Spectre.Console.Cli;

namespace Fleet.Cli.Commands;

/// <summary>
/// What Fleet says for an option value Spectre cannot convert (<c>-f 99999999999</c>, <c>-T abc</c>): the option and the value in
/// Fleet's words, instead of Spectre's "Failed to convert '…' to Int32", which names a .NET type.
/// </summary>
internal static partial class OptionValues
{
    /// <summary><paramref name="error"/> reworded when it is a failed conversion of an option's value; any other exception as it is.</summary>
    public static Exception Explain(Exception error, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(args);
        if (error is not (CommandParseException or CommandRuntimeException) || FailedConversion().Match(error.Message) is not { Success: true } match)
        {
            return error;
        }

        var value = match.Groups["value"].Value;
        var option = OptionOf(value, args) ?? "an option";
        if (match.Groups["type"].Value == "Boolean")
        {
            return new FleetInputException($"{option} must be true or false, not '{value}'");
        }

        // Digits that did not convert are past the range of a whole-number option (int: at most 2147483647).
        var range = value.TrimStart('-').All(char.IsAsciiDigit) && value.TrimStart('-').Length > 0 ? " from 0 to 2147483647" : "";
        return new FleetInputException($"{option} must be a number{range}, not '{value}'");
    }

    /// <summary>The option <paramref name="value"/> was given to, as typed (<c>-f 5</c> or <c>--forks=5</c>); null when not found.</summary>
    private static string? OptionOf(string value, IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith('-') && args[i].EndsWith("=" + value, StringComparison.Ordinal))
            {
                return args[i][..^(value.Length + 1)];
            }

            if (args[i] == value && i > 0 && args[i - 1].StartsWith('-'))
            {
                return args[i - 1];
            }
        }

        return null;
    }

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>[\w`.]+)\.?$", RegexOptions.Singleline)]
    private static partial Regex FailedConversion();
}
