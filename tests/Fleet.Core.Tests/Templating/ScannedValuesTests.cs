using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>The fact cache's scanned maps and lists: what a walk found is kept, and a lookup gives what a plain map gives.</summary>
public sealed class ScannedValuesTests
{
    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    [Fact]
    public void Lookup_OfScannedMap_SameAsPlainMap_TemplatesRenderedAndIntsConverted()
    {
        var plain = Map(("name", "{{ who }}"), ("count", 3), ("items", new List<object?> { "a", 2 }));
        var scanned = ScannedValues.Keep(plain);
        var scope = VariableScope.Of(Map(("facts", scanned), ("plain", plain), ("who", "web")));

        for (var i = 0; i < 2; i++)
        {
            Assert.True(scope.TryGet("facts", out var fromScanned));
            Assert.True(scope.TryGet("plain", out var fromPlain));
            Assert.Equal(JsonValues.ToJson(fromPlain), JsonValues.ToJson(fromScanned));
            Assert.Equal("{\"name\":\"web\",\"count\":3,\"items\":[\"a\",2]}", JsonValues.ToJson(fromScanned));
        }
    }

    [Fact]
    public void Lookup_OfScannedMapWithoutTemplatesOrInts_IsTheMapItself()
    {
        var scanned = ScannedValues.Keep(Map(("os_family", "Debian"), ("packages", Map(("sudo", new List<object?> { Map(("version", "1.9")) })))));
        var scope = VariableScope.Of(Map(("ansible_facts", scanned)));

        Assert.True(scope.TryGet("ansible_facts", out var first));
        Assert.True(scope.TryGet("ansible_facts", out var second));
        Assert.Same(scanned, first);
        Assert.Same(scanned, second);
        Assert.Equal("Debian", Template.Render("{{ ansible_facts.os_family }}", scope, default));
    }

    [Fact]
    public void Keep_ScalarOrScannedValue_ReturnsItUnchanged()
    {
        var scanned = ScannedValues.Keep(new List<object?> { "x" });
        Assert.Same(scanned, ScannedValues.Keep(scanned));
        Assert.Equal("text", ScannedValues.Keep("text"));
        Assert.IsType<ScannedList>(scanned);
    }
}
