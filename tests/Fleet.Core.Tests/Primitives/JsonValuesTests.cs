using System.Text.Json;

namespace Fleet.Core.Tests.Primitives;

/// <summary>
/// JsonValues replaced System.Text.Json's reflection serializer (which a NativeAOT build does not have) in debug messages and
/// <c>fleet inventory --json</c>: for the values variables are made of, it writes the same text.
/// </summary>
public sealed class JsonValuesTests
{
    private static Dictionary<string, object?> Variables() => new(StringComparer.Ordinal)
    {
        ["port"] = 22L,
        ["count"] = 3,
        ["ratio"] = 1.5,
        ["whole"] = 2.0,
        ["enabled"] = true,
        ["banner"] = "héllo <b> & 'q' \"x\"\n",
        ["none"] = null,
        ["list"] = new List<object?> { 1L, "two", new Dictionary<string, object?>(StringComparer.Ordinal) { ["three"] = 3L, ["empty"] = new List<object?>() } },
        ["nested"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["a"] = new Dictionary<string, object?>(StringComparer.Ordinal) },
        ["groups"] = new[] { "web", "all" },
        ["plain"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["k"] = "v" },
    };

    [Fact]
    public void ToJson_Compact_IsWhatTheReflectionSerializerWrites()
    {
        var value = Variables();

        Assert.Equal(JsonSerializer.Serialize(value), JsonValues.ToJson(value));
    }

    [Fact]
    public void ToJson_Indented_IsWhatTheReflectionSerializerWrites()
    {
        var value = Variables();

        Assert.Equal(JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }), JsonValues.ToJson(value, indented: true));
    }

    [Fact]
    public void ToJson_Scalars_AsJsonValues()
    {
        Assert.Equal("null", JsonValues.ToJson(null));
        Assert.Equal("\"\\u003Cx\\u003E\"", JsonValues.ToJson("<x>"));
        Assert.Equal("[1,\"a\",false]", JsonValues.ToJson(new List<object?> { 1L, "a", false }));
    }
}
