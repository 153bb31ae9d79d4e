namespace Fleet.Core.Tests.Primitives;

/// <summary>A play's <c>serial</c> and <c>--serial</c>: a positive number of hosts or a percentage from 1% to 100%, as Ansible reads them.</summary>
public sealed class SerialTests
{
    [Theory]
    [InlineData("3", 3, false)]
    [InlineData(" 3 ", 3, false)]
    [InlineData("25%", 25, true)]
    [InlineData("100%", 100, true)]
    public void TryParse_Valid_GivesCountAndKind(string text, int count, bool percent)
    {
        Assert.True(Serial.TryParse(text, out var parsedCount, out var parsedPercent));
        Assert.Equal((count, percent), (parsedCount, parsedPercent));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0%")]
    [InlineData("101%")]
    [InlineData("-1")]
    [InlineData("+2")]
    [InlineData("2.5")]
    [InlineData("%")]
    [InlineData("")]
    [InlineData("all")]
    public void TryParse_Invalid_IsFalse(string text) => Assert.False(Serial.TryParse(text, out _, out _));
}
