using Fleet.Core.Inputs;
using Fleet.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Fleet.Core.Tests.Inputs;

/// <summary><c>--var key=value</c>: a value is typed exactly as the same text after <c>key:</c> in a YAML file.</summary>
public sealed class CommandLineVarsTests
{
    [Theory]
    [InlineData("0644")]
    [InlineData("22")]
    [InlineData("-7")]
    [InlineData("1.5")]
    [InlineData("yes")]
    [InlineData("off")]
    [InlineData("True")]
    [InlineData("y")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("'22'")]
    [InlineData("\"0644\"")]
    [InlineData("hello world")]
    [InlineData("[1, a, 0644]")]
    [InlineData("{ a: 1 }")]
    public void Value_IsWhatTheSameTextMeansInYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("key: " + text));
        var inYaml = YamlFile.ToValue(((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("key")]);

        var parsed = CommandLineVars.Parse([$"key={text}"], []);

        Assert.Equal(inYaml, parsed["key"]);
    }

    [Fact]
    public void Value_ModeWithLeadingZero_StaysText()
    {
        var vars = CommandLineVars.Parse(["mode=0644"], []);

        Assert.Equal("0644", vars["mode"]);
    }

    [Theory]
    [InlineData("22", 22L)]
    [InlineData("yes", true)]
    [InlineData("false", false)]
    [InlineData("1.5", 1.5)]
    [InlineData("'22'", "22")]
    [InlineData("a=b", "a=b")]
    [InlineData("x: y: z", "x: y: z")] // not valid YAML after a key: the text as written
    public void Value_Typed(string text, object expected) => Assert.Equal(expected, CommandLineVars.Value(text));

    [Fact]
    public void Value_Empty_IsNull() => Assert.Null(CommandLineVars.Value(""));

    [Fact]
    public void Parse_MalformedItems_AreEachAnError_LaterKeyWins()
    {
        var errors = new List<InputError>();

        var vars = CommandLineVars.Parse(["a=1", "novalue", "=x", "m={[k]: 1}", "a=2"], errors);

        Assert.Equal(
            ["--var expects key=value, got 'novalue'", "--var expects key=value, got '=x'", "--var m: a mapping key must be text, not a list or a mapping"],
            errors.Select(e => e.Message));
        Assert.Equal(2L, Assert.Single(vars).Value);
    }
}
