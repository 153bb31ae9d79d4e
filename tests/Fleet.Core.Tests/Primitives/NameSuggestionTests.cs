namespace Fleet.Core.Tests.Primitives;

/// <summary>Did-you-mean: only a name close enough to be what was meant.</summary>
public sealed class NameSuggestionTests
{
    [Theory]
    [InlineData("aply", "apply")]
    [InlineData("limt", "limit")]
    [InlineData("wbe", "web")]
    [InlineData("lineinfle", "lineinfile")]
    [InlineData("mod", "mode")]
    [InlineData("Apply", "apply")]
    [InlineData("inv", "inventory")]
    public void Closest_NearOrPrefix_IsSuggested(string typed, string expected)
    {
        Assert.Equal(expected, NameSuggestion.Closest(typed, ["apply", "check", "limit", "web", "lineinfile", "mode", "inventory", "ufw", "find"]));
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("ping")]
    [InlineData("x")]
    [InlineData("k")]
    [InlineData("zzzz")]
    public void Closest_NothingCloseEnough_IsNull(string typed)
    {
        Assert.Null(NameSuggestion.Closest(typed, ["ufw", "find", "apply", "xyzzy", "C"]));
    }

    [Fact]
    public void Distance_SwapOfNeighbours_IsOneEdit()
    {
        Assert.Equal(1, NameSuggestion.Distance("wbe", "web"));
        Assert.Equal(2, NameSuggestion.Distance("raw", "ufw"));
    }

    [Fact]
    public void DidYouMean_FormatsOrIsEmpty()
    {
        Assert.Equal(" (did you mean 'apply'?)", NameSuggestion.DidYouMean("aply", ["apply"]));
        Assert.Equal("", NameSuggestion.DidYouMean("raw", ["ufw"]));
    }
}
