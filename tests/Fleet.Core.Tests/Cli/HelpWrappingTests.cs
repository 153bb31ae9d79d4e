using Fleet.Cli;
using Fleet.Cli.Output;
using Spectre.Console.Cli;

namespace Fleet.Core.Tests.Cli;

/// <summary><c>fleet --help</c> and <c>fleet help COMMAND</c> (the same text) wrap to the width with no padding at the ends of lines.</summary>
public sealed class HelpWrappingTests
{
    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        foreach (var width in new[] { 80, 40 })
        {
            foreach (var command in new[] { "", "apply", "check", "validate", "inventory", "ping", "audit", "enforce", "demo", "lab", "lab up", "report merge" })
            {
                data.Add(width, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Help_FitsTheWidthWithoutPadding(int width, string command)
    {
        var text = Help(width, command);
        Assert.Contains("USAGE:", text, StringComparison.Ordinal);
        TableWrappingTests.AssertFits(text.Split('\n'), width);
        if (width == 80 && command == "check")
        {
            Assert.Contains("ANSIBLE_VAULT_PASSWORD_FILE", text, StringComparison.Ordinal); // once cut in two by a column of defaults
        }

        // Every word of the wide help is there whole: at 40 columns Spectre dropped the option descriptions and cut words in two.
        var words = Words(text);
        Assert.All(Words(Help(200, command)), word => Assert.True(words.Contains(word), $"'{word}' is missing or cut at {width} columns"));
    }

    private static HashSet<string> Words(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private static string Help(int width, string command)
    {
        using var output = new StringWriter();
        var app = new CommandApp();
        app.Configure(config =>
        {
            Program.Configure(config);
            config.ConfigureConsole(HelpConsole.Create(output, width, color: false));
        });

        app.Run([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        return output.ToString();
    }
}
