using Fleet.Core.Remote;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Primitives;

public sealed class ShellWordTests
{
    [Theory]
    [InlineData("simple", "simple")]
    [InlineData("@%+=:,./-_09AZaz", "@%+=:,./-_09AZaz")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("é", "'é'")]
    [InlineData("a\nb", "'a\nb'")]
    public void Quote_WithoutSingleQuotes_IsTheSameInBothSpellings(string value, string expected)
    {
        Assert.Equal(expected, ShellWord.Quote(value));
        Assert.Equal(expected, ShellWord.Quote(value, QuoteEscape.DoubleQuotes));
    }

    [Fact]
    public void Quote_SingleQuote_BackslashSpelling_ClosesEscapesReopens()
    {
        Assert.Equal("'it'\\''s'", ShellWord.Quote("it's"));
    }

    [Fact]
    public void Quote_SingleQuote_DoubleQuotesSpelling_IsPythonShlexQuote()
    {
        Assert.Equal("'it'\"'\"'s'", ShellWord.Quote("it's", QuoteEscape.DoubleQuotes));
    }

    [Fact]
    public void RemoteCommands_AndTheQuoteFilter_UseTheOneQuoter()
    {
        const string value = "x'; touch /tmp/pwned; '";

        Assert.Equal(ShellWord.Quote(value), Sh.Quote(value));
        Assert.Equal(ShellWord.Quote(value, QuoteEscape.DoubleQuotes), Template.RenderString("{{ v | quote }}", VariableScope.Of(new Dictionary<string, object?> { ["v"] = value }), default));
    }

    [Fact]
    public void Quote_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ShellWord.Quote(null!));
    }
}
