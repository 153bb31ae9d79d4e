namespace Fleet.Core.Tests.Primitives;

/// <summary>Secret texts are masked wherever they appear, longest first; texts too short to mask without blanking others are kept.</summary>
public sealed class SecretTextsTests
{
    [Fact]
    public void Mask_SecretInsideText_IsStars()
    {
        var secrets = new SecretTexts();
        secrets.Add("hunter22");

        Assert.Equal("password=******** (again ********)", secrets.Mask("password=hunter22 (again hunter22)"));
    }

    [Fact]
    public void Mask_OverlappingSecrets_LongestFirst()
    {
        var secrets = new SecretTexts();
        secrets.Add("abc");
        secrets.Add("abcdef");

        Assert.Equal("x********y", secrets.Mask("xabcdefy"));
    }

    [Fact]
    public void Add_MultiLineSecret_MasksEachLineToo()
    {
        var secrets = new SecretTexts();
        secrets.Add("line-one\nline-two\n");

        Assert.Equal("+********", secrets.Mask("+line-two"));
    }

    [Fact]
    public void Add_TooShort_IsNotMasked()
    {
        var secrets = new SecretTexts();
        secrets.Add("on");

        Assert.True(secrets.IsEmpty);
        Assert.Equal("on", secrets.Mask("on"));
    }

    [Fact]
    public void MaskValue_NestedListsAndMaps_MaskedInside()
    {
        var secrets = new SecretTexts();
        secrets.Add("s3cret");
        var value = new Dictionary<string, object?> { ["a"] = new List<object?> { "x s3cret", 1L }, ["b"] = true };

        var masked = (IReadOnlyDictionary<string, object?>)secrets.MaskValue(value)!;

        Assert.Equal(["x ********", 1L], (List<object?>)masked["a"]!);
        Assert.Equal(true, masked["b"]);
    }
}
