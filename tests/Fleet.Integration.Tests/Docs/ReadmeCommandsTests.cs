namespace Fleet.Integration.Tests.Docs;

/// <summary>The README test's reading of a page: blocks, markers, commands, continuation lines and expected exits.</summary>
public sealed class ReadmeCommandsTests
{
    private const string Page = """
        # Title

        ```sh
        fleet validate -i inventory.yml site.yml     # contacts no host
        fleet check -i inventory.yml site.yml --diff # drift as diffs; exit 4 when a host would change

        # a comment line
        fleet apply -i inventory.yml site.yml \
          --json "r#1.json"
        ```

        <!-- not run by the README test: downloads a release -->
        ```sh
        curl -LO https://example.org/fleet.tar.gz
        ```

        <!-- the README test saves this block as site.yml -->
        ```yaml
        - hosts: all
        ```

        ```bash
        echo '# not a comment' "#neither"
        ```
        """;

    [Fact]
    public void Blocks_AreReadInOrderWithTheirLanguageAndLine()
    {
        var blocks = ReadmeCommands.Blocks(Page);

        Assert.Equal(["sh", "sh", "yaml", "bash"], blocks.Select(b => b.Language));
        Assert.Equal(3, blocks[0].Line);
        Assert.False(blocks[2].IsShell);
    }

    [Fact]
    public void Commands_JoinContinuationsSkipCommentsAndReadTheExpectedExit()
    {
        var commands = ReadmeCommands.Blocks(Page)[0].Commands;

        Assert.Equal(
            [
                new ReadmeCommand(4, "fleet validate -i inventory.yml site.yml", 0),
                new ReadmeCommand(5, "fleet check -i inventory.yml site.yml --diff", 4),
                new ReadmeCommand(8, "fleet apply -i inventory.yml site.yml --json \"r#1.json\"", 0),
            ],
            commands);
    }

    [Fact]
    public void NotRunMarker_GivesTheReason()
    {
        var blocks = ReadmeCommands.Blocks(Page);

        Assert.Null(blocks[0].NotRunReason);
        Assert.Equal("downloads a release", blocks[1].NotRunReason);
    }

    [Fact]
    public void SaveMarker_NamesTheFileAndKeepsTheText()
    {
        var block = ReadmeCommands.Blocks(Page)[2];

        Assert.Equal("site.yml", block.SaveAs);
        Assert.Equal("- hosts: all\n", block.Text);
    }

    [Fact]
    public void HashInsideQuotesOrAWord_IsNotAComment()
    {
        var command = Assert.Single(ReadmeCommands.Blocks(Page)[3].Commands);

        Assert.Equal("echo '# not a comment' \"#neither\"", command.Text);
    }

    [Fact]
    public void MarkerAboveOtherText_DoesNotReachTheNextBlock()
    {
        var blocks = ReadmeCommands.Blocks("<!-- not run by the README test: x -->\n\nsome text\n\n```sh\ntrue\n```\n");

        Assert.Null(Assert.Single(blocks).NotRunReason);
    }

    [Fact]
    public void NotRunMarkerWithoutReason_IsRefused() =>
        Assert.Throws<FormatException>(() => ReadmeCommands.Blocks("<!-- not run by the README test: -->\n```sh\ntrue\n```\n"));
}
