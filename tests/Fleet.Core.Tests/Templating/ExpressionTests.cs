using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

public sealed class ExpressionTests
{
    private static readonly VariableScope Vars = VariableScope.Of(new Dictionary<string, object?>
    {
        ["os"] = "Debian",
        ["version"] = 12L,
        ["ports"] = new List<object?> { 22L, 80L },
        ["user"] = new Dictionary<string, object?> { ["name"] = "deploy" },
        ["enabled"] = true,
        ["empty"] = "",
        ["greeting"] = "hello {{ user.name }}",
    });

    [Theory]
    [InlineData("os == 'Debian'", true)]
    [InlineData("os != 'Debian'", false)]
    [InlineData("version >= 12 and version < 13", true)]
    [InlineData("80 in ports", true)]
    [InlineData("443 not in ports", true)]
    [InlineData("not enabled or os == 'Ubuntu'", false)]
    [InlineData("(enabled and empty) or user.name == 'deploy'", true)]
    [InlineData("missing is defined", false)]
    [InlineData("missing is not defined", true)]
    [InlineData("user['name'] | upper == 'DEPLOY'", true)]
    [InlineData("ports[0] == 22", true)]
    [InlineData("ports | length == 2", true)]
    [InlineData("missing | default(false)", false)]
    [InlineData("os | default(missing.device) == 'Debian'", true)] // Jinja: an undefined fallback matters only when used
    [InlineData("os | default(none.device, true) == 'Debian'", true)]
    [InlineData("empty", false)]
    public void Evaluate_Condition(string text, bool expected) =>
        Assert.Equal(expected, ExpressionParser.Parse(text, default).Evaluate(Vars));

    [Theory]
    [InlineData("missing is defined and 443 in missing", "")]
    [InlineData("missing is not defined or missing == 1", "")]
    [InlineData("not (missing is defined) or missing == 1", "")]
    [InlineData("a is defined and b is defined and a == b", "")]
    [InlineData("443 in missing and missing is defined", "missing")]
    [InlineData("missing is defined or missing == 1", "missing")]
    [InlineData("other is defined and missing == 1", "missing")]
    public void Variables_GuardedByIsDefined_AreNotRequired(string text, string required) =>
        Assert.Equal(required, string.Join(",", ExpressionParser.Parse(text, default).Variables.Distinct()));

    [Fact]
    public void Evaluate_GuardedUndefinedVariable_ShortCircuits() =>
        Assert.False(ExpressionParser.Parse("missing is defined and 443 in missing", default).Evaluate(Vars));

    [Fact]
    public void Evaluate_UndefinedFallbackOfDefault_ThrowsWhenUsed() =>
        Assert.Throws<UndefinedVariableException>(() => ExpressionParser.Parse("empty | default(none.device, true) == 'x'", default).Evaluate(Vars));

    [Fact]
    public void Evaluate_UndefinedVariable_Throws() =>
        Assert.Throws<UndefinedVariableException>(() => ExpressionParser.Parse("colour == 'red'", default).Evaluate(Vars));

    [Fact]
    public void Parse_SyntaxError_NamesLocation()
    {
        var error = Assert.Throws<FleetInputException>(() => ExpressionParser.Parse("os == ", new SourceLocation("p.yml", 3, 13)));

        Assert.StartsWith("p.yml:3:13: invalid expression", error.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TestWrittenAsFilter_SaysToWriteIs()
    {
        // ansible-playbook 2.14 fails `{{ r | skipped }}` when it runs (Could not load "skipped"); Fleet says so when it loads.
        var error = Assert.Throws<FleetInputException>(() => Template.Render("{{ result | skipped }}", Vars, new SourceLocation("p.yml", 5, 9)));

        Assert.Contains("unknown filter 'skipped': skipped is a test, write 'is skipped' (Ansible 2.9 removed tests used as filters)", error.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WholeTemplate_KeepsType() =>
        Assert.Equal(new List<object?> { 22L, 80L }, Template.Render("{{ ports }}", Vars, default));

    [Fact]
    public void Render_MixedText_IsString() =>
        Assert.Equal("Debian 12: 22,80", Template.Render("{{ os }} {{ version }}: {{ ports | join(',') }}", Vars, default));

    [Fact]
    public void Render_VariableReferringToVariable_IsRendered() =>
        Assert.Equal("hello deploy!", Template.Render("{{ greeting }}!", Vars, default));

    [Fact]
    public void Render_Undefined_NamesLocation()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.Render("x {{ nope }}", Vars, new SourceLocation("p.yml", 7, 20)));

        Assert.Equal("p.yml:7:20: undefined variable 'nope' in 'x {{ nope }}'", error.Errors[0].ToString());
    }

    [Fact]
    public void Render_Quote_UsesPythonsShlexQuote() =>
        Assert.Equal("echo 'a b'\"'\"'c'", Template.Render("echo {{ 'a b\\'c' | quote }}", Vars, default));

    // Checked with ansible-playbook 2.14: inside {{ }} a playbook value's string literals keep their backslashes; {% %} and template files unescape them.
    [Theory]
    [InlineData(@"{{ 'OpenSSH_9.2p1 Debian' | regex_replace('.*_([0-9]*.[0-9]).*', '\1') }}", "9.2")]
    [InlineData(@"{{ ['a', 'b'] | join(""\n"") }}|{% if true %}{{ ""x\ty"" }}{% endif %}|{% set z = ""p\tq"" %}{{ z }}", "a\\nb|x\\ty|p\tq")]
    [InlineData(@"{{ 'x\u0041' }} {{ '\\' | length }}", "x\\u0041 2")]
    public void Render_BackslashesInsideExpressions_AreAnsibles(string text, string expected) =>
        Assert.Equal(expected, Template.RenderString(text, Vars, default));

    [Fact]
    public void RenderFile_StringLiterals_KeepJinjasEscapes() =>
        Assert.Equal("a\tb 1", Template.RenderFile(@"{{ 'a\tb' }} {{ '\1' | length }}", "t.j2", Vars, TemplateOptions.Ansible));
}
