using Fleet.Core.Inputs;

namespace Fleet.Core.Tests.Inputs;

/// <summary><c>-e</c> / <c>--extra-vars</c> read as ansible-playbook reads them (checked against ansible-playbook 2.14).</summary>
public sealed class CommandLineVarsTests
{
    [Theory]
    [InlineData("a=1", "1")]
    [InlineData("a=false", "false")]
    [InlineData("a=0644", "0644")]
    [InlineData("a='x y'", "x y")]
    [InlineData("a=\"x y\"", "x y")]
    [InlineData("a=b=c", "b=c")]
    [InlineData("a=", "")]
    [InlineData("a=[1,2]", "[1,2]")]
    public void KeyValue_ValueIsText_AsInAnsible(string item, string expected) =>
        Assert.Equal(expected, CommandLineVars.Parse([item], [])["a"]);

    [Fact]
    public void KeyValue_SeveralWordsInOneOption_SetEveryKey()
    {
        var vars = CommandLineVars.Parse(["a=1 b=2  c='three four'"], []);

        Assert.Equal(new Dictionary<string, object?> { ["a"] = "1", ["b"] = "2", ["c"] = "three four" }, vars);
    }

    [Fact]
    public void Inline_JsonAndYaml_AreTyped()
    {
        var vars = CommandLineVars.Parse(["{\"a\": 1, \"b\": [true, \"x\"], \"c\": {\"d\": null}}", "{e: 0644, f: yes}"], []);

        Assert.Equal(1L, vars["a"]);
        Assert.Equal(new List<object?> { true, "x" }, vars["b"]);
        Assert.Equal(new Dictionary<string, object?> { ["d"] = null }, vars["c"]);
        Assert.Equal("0644", vars["e"]);
        Assert.Equal(true, vars["f"]);
    }

    [Fact]
    public void AtFile_YamlOrJson_IsTypedAndLaterOptionsWin()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var yaml = Path.Combine(dir.FullName, "vars.yml");
            var json = Path.Combine(dir.FullName, "vars.json");
            File.WriteAllText(yaml, "port: 22\nusers: [a, b]\nname: first\n");
            File.WriteAllText(json, "{\"name\": \"second\"}");
            var errors = new List<InputError>();

            var vars = CommandLineVars.Parse(["@" + yaml, "@" + json, "extra=1"], errors);

            Assert.Empty(errors);
            Assert.Equal(22L, vars["port"]);
            Assert.Equal(new List<object?> { "a", "b" }, vars["users"]);
            Assert.Equal("second", vars["name"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Parse_MalformedItems_AreEachAnError_LaterKeyWins()
    {
        var errors = new List<InputError>();

        var vars = CommandLineVars.Parse(["a=1", "novalue", "=x", "{m: {[k]: 1}}", "[1, 2]", "{a: [", "/etc/vars.yml", "@/nonexistent/vars.yml", "@", "a=2"], errors);

        Assert.Equal(
            [
                "-e expects key=value, @FILE or a YAML/JSON mapping, got 'novalue'",
                "-e expects key=value, @FILE or a YAML/JSON mapping, got '=x'",
                "-e {m: {[k]: 1}}: not valid YAML or JSON",
                "-e [1, 2]: extra variables must be a mapping, like {\"name\": \"value\"}",
                "-e {a: [: not valid YAML or JSON",
                "-e /etc/vars.yml: a file of variables is named with @, as in -e @/etc/vars.yml",
                "-e @file not found: /nonexistent/vars.yml",
                "-e @: name the file of variables after the @",
            ],
            errors.Select(e => e.ToString()));
        Assert.Equal("2", Assert.Single(vars).Value);
    }
}
