using Fleet.Cli.Output;

namespace Fleet.Core.Tests.Cli;

/// <summary>The help console's writer drops the padding at the ends of lines and nothing else.</summary>
public sealed class TrimmedLinesWriterTests
{
    [Theory]
    [InlineData("USAGE:    \n    fleet  \n", "USAGE:\n    fleet\n")]
    [InlineData("a  b   \n", "a  b\n")]
    [InlineData("red\e[31m text  \e[0m   \nnext", "red\e[31m text\e[0m\nnext")]
    [InlineData("no newline at the end   ", "no newline at the end")]
    public void Write_PaddedLines_LosesOnlyTheTrailingSpaces(string written, string expected)
    {
        using var output = new StringWriter();
        using (var writer = new TrimmedLinesWriter(output))
        {
            writer.Write(written);
        }

        Assert.Equal(expected, output.ToString());
    }
}
