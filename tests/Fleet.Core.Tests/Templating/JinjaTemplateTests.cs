using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

public sealed class JinjaTemplateTests
{
    private static readonly VariableScope Vars = VariableScope.Of(new Dictionary<string, object?>
    {
        ["ports"] = new List<object?> { 22L, 80L },
        ["name"] = "web",
    });

    [Fact]
    public void Render_UndefinedVariable_NamesTemplateFileAndLine()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderFile("a\n{% for p in ports %}\n{{ p }} {{ nope }}\n{% endfor %}\n", "sshd_config.j2", Vars, TemplateOptions.Ansible));

        Assert.Equal("sshd_config.j2:3:9: undefined variable 'nope'", error.Errors[0].ToString());
    }

    [Fact]
    public void Parse_SyntaxError_NamesTemplateFileAndLine()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderFile("ok\n\n{% if name %}x\n", "t.j2", Vars, TemplateOptions.Ansible));

        Assert.StartsWith("t.j2:3:15: template syntax error: missing '{% endif %}'", error.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnsupportedStatement_IsNamed()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderFile("{% filter upper %}x{% endfilter %}", "t.j2", Vars, TemplateOptions.Ansible));

        Assert.Contains("the statement 'filter' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IncludeNotOnTheSearchPath_NamesTheTemplateTheDirectoriesAndTheLine()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderFile("a\n{% include 'x.j2' %}", "t.j2", Vars, TemplateOptions.Ansible, ["/nonexistent/templates", "/nonexistent"]));

        Assert.Equal("t.j2:2:1: template not found: x.j2 (looked in /nonexistent/templates, /nonexistent)", error.Message);
    }

    [Fact]
    public void Render_LookupPipe_FailingCommand_IsLocated()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.Render("{{ lookup('pipe', 'exit 3') }}", Vars, new SourceLocation("pb.yml", 4, 9)));

        Assert.StartsWith("pb.yml:4:9: lookup_plugin.pipe(exit 3) returned 3", error.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LookupFileAndEnv_ReadTheController()
    {
        using var files = new TempFiles();
        files.Write("files/motd", "welcome\n\n");
        var vars = VariableScope.Of(new Dictionary<string, object?> { ["playbook_dir"] = files.Dir });

        Assert.Equal("[welcome]", Template.Render("[{{ lookup('file', 'motd') }}]", vars, default));
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), Template.Render("{{ lookup('env', 'PATH') }}", vars, default));
    }

    [Fact]
    public void Render_StatementInParameter_IsText() =>
        Assert.Equal("22,80,", Template.Render("{% for p in ports %}{{ p }},{% endfor %}", Vars, default));

    [Fact]
    public void Render_SingleExpression_KeepsTypeOfFilterResult() =>
        Assert.Equal(new List<object?> { 80L }, Template.Render("{{ ports | select('>', 22) | list }}", Vars, default));

    [Theory]
    [InlineData("secret", "saltsalt", "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1")]
    [InlineData("Hello world!", "saltstring", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")]
    public void PasswordHash_Sha512_IsCrypt3(string password, string salt, string expected) =>
        Assert.Equal(expected, Template.Render($"{{{{ '{password}' | password_hash('sha512', '{salt}') }}}}", Vars, default));

    // As Ansible's templating: a first line "#jinja2: key: value, ..." sets the options for the rest of the file and is not output.
    [Fact]
    public void RenderFile_Jinja2HeaderLine_SetsTheOptions_AndIsNotRendered() =>
        Assert.Equal("x\n", Template.RenderFile("#jinja2: trim_blocks:True, lstrip_blocks:True\n  {% if true %}\nx\n  {% endif %}\n", "t.j2", Vars, TemplateOptions.Ansible with { TrimBlocks = false }));

    // Ansible reads a value with Python's literal_eval and Jinja tests it for truth: a quoted "true" (and even "false") is true.
    [Theory]
    [InlineData("trim_blocks: \"true\", lstrip_blocks: \"true\"", "x\n")]
    [InlineData("trim_blocks: 1, lstrip_blocks: 'yes'", "x\n")]
    [InlineData("trim_blocks: False, lstrip_blocks: None", "  \nx\n  \n")]
    [InlineData("trim_blocks: 0, lstrip_blocks: ''", "  \nx\n  \n")]
    public void RenderFile_Jinja2HeaderValues_AreReadAsPythonLiteralsForTruth(string header, string expected) =>
        Assert.Equal(expected, Template.RenderFile($"#jinja2: {header}\n  {{% if true %}}\nx\n  {{% endif %}}\n", "t.j2", Vars, TemplateOptions.Ansible));

    [Fact]
    public void RenderFile_Jinja2HeaderValueThatIsNoLiteral_IsALocatedError()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderFile("#jinja2: trim_blocks: yes\nx\n", "t.j2", Vars, TemplateOptions.Ansible));

        Assert.Contains("t.j2:1:1: jinja2 override 'trim_blocks': 'yes' is not a Python literal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderFile_Jinja2HeaderWithAnOptionFleetLacks_IsAnErrorNamingIt()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderFile("#jinja2: variable_start_string:'[%'\nx\n", "t.j2", Vars, TemplateOptions.Ansible));

        Assert.Contains("t.j2:1:1: jinja2 override 'variable_start_string'", error.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void Render_UndefinedMacroArgument_IsUndefinedInTheMacro()
    {
        const string text = "{% macro opt(key, value) %}{% set v = undefined %}{% if value is defined %}{{ key }} {{ value }}\n{% elif v is not defined %}{{ key }} unset\n{% endif %}{% endmacro %}{{ opt('Port', sshd_Port) }}{{ opt('Name', name) }}";

        Assert.Equal("Port unset\nName web\n", Template.RenderFile(text, "t.j2", Vars, TemplateOptions.Ansible));
    }

    [Fact]
    public void Render_UndefinedMacroArgumentUsed_FailsNamingTheOriginalVariable()
    {
        var error = Assert.Throws<FleetInputException>(() => Template.RenderFile("{% macro opt(value) %}{{ value }}{% endmacro %}{{ opt(sshd_Port) }}", "t.j2", Vars, TemplateOptions.Ansible));

        Assert.Contains("undefined variable 'sshd_Port'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UndefinedArgumentOfAMethod_StillFails()
    {
        Assert.Throws<FleetInputException>(() => Template.RenderFile("{{ name.replace(missing, 'x') }}", "t.j2", Vars, TemplateOptions.Ansible));
    }
}
