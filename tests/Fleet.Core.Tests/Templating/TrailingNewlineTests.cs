using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>
/// Trailing newlines as Ansible's Templar leaves them (expected values from ansible-core 2.14's Templar.template and its template
/// action): Jinja drops the template's last newline, then the text gets back as many as the template ended with and it lacks.
/// </summary>
public sealed class TrailingNewlineTests
{
    private static readonly VariableScope Vars = VariableScope.Of(new Dictionary<string, object?>
    {
        ["word"] = "hello",
        ["ends"] = "hello\n",
        ["two"] = "one\ntwo\n",
        ["items"] = new List<object?> { "a", "b" },
        ["flag"] = true,
        ["count"] = 5L,
        ["nothing"] = null,
    });

    [Theory]
    [InlineData("{{ word }}\n", "hello\n")]
    [InlineData("{{ ends }}\n", "hello\n")]
    [InlineData("{{ ends }}\n\n", "hello\n\n")]
    [InlineData("{{ ends }}", "hello\n")]
    [InlineData("first\n{{ two }}\n", "first\none\ntwo\n")]
    [InlineData("first\n{{ two }}", "first\none\ntwo\n")]
    [InlineData("start\n{% if false %}\nnever\n{% endif %}\n", "start\n")]
    [InlineData("{{ word }}", "hello")]
    [InlineData("{{ count + 1 }}\n", "6\n")]
    [InlineData("{{ count }}\n\n", "5\n\n")]
    [InlineData("{{ nothing or None }}\n", "\n")]
    [InlineData("{{ word }} {{ count }}\n", "hello 5\n")]
    [InlineData("[{{ word }}\n]\n", "[hello\n]\n")]
    public void Inline_EndsWithAnsiblesNewlines(string template, string expected)
    {
        Assert.Equal(expected, Template.Render(template, Vars, default));
    }

    [Fact]
    public void Inline_WholeExpressionThenNewline_ListBoolAndABareVariablesNumberKeepTheirType()
    {
        Assert.Equal(new List<object?> { "a", "b" }, Template.Render("{{ items }}\n", Vars, default));
        Assert.Equal(true, Template.Render("{{ flag }}\n", Vars, default));
        Assert.Equal(true, Template.Render("{{ flag and true }}\n", Vars, default));
        Assert.Equal(5L, Template.Render("{{count}}\n", Vars, default));
        Assert.Null(Template.Render("{{ nothing }}\n", Vars, default));
    }

    [Theory]
    [InlineData("{{ ends }}\n", "hello\n")]
    [InlineData("{{ word }}\n\n", "hello\n\n")]
    [InlineData("start\n{% if false %}\nnever\n{% endif %}\n", "start\n")]
    [InlineData("{% if true %}\nyes\n{% endif %}\n\n", "yes\n\n")]
    [InlineData("#jinja2: keep_trailing_newline: True\n{{ ends }}\n", "hello\n\n")]
    public void File_EndsWithAnsiblesNewlines(string text, string expected)
    {
        Assert.Equal(expected, Template.RenderFile(text, "t.j2", Vars, TemplateOptions.Ansible));
    }

    [Theory]
    [InlineData("x\n\n", "x", "x\n\n")]
    [InlineData("x\n", "x\n\n", "x\n\n")]
    [InlineData("x", "x", "x")]
    public void PreserveTrailingNewlines_AddsOnlyWhatIsMissing(string template, string rendered, string expected)
    {
        Assert.Equal(expected, Template.PreserveTrailingNewlines(template, rendered));
    }
}
