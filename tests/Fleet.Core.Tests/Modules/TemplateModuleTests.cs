using Fleet.Core.Modules;
using Fleet.Core.Modules.Copy;
using Fleet.Core.Modules.Replace;
using Fleet.Core.Modules.Templates;
using Fleet.Core.Templating;
using static Fleet.Core.Tests.Modules.LocalHost;

namespace Fleet.Core.Tests.Modules;

/// <summary>template (rendered on the controller, written like copy) and validate on the modules that write files.</summary>
public sealed class TemplateModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    private ModuleContext Context(bool checkMode = false, Dictionary<string, object?>? vars = null) =>
        new("web01", checkMode, _files.Dir)
        {
            Variables = VariableScope.Of(vars ?? new Dictionary<string, object?>
            {
                ["ciphers"] = new List<object?> { "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com" },
                ["port"] = 22L,
            }),
        };

    [Fact]
    public void Template_FromTemplatesFolder_RendersHostVariablesThenIsNoOp()
    {
        _files.Write("templates/sshd_config.j2", "# {{ ansible_managed }}\nPort {{ port }}\n{% for c in ciphers %}\nCipher {{ c }}\n{% endfor %}\n");
        var dest = Path.Combine(_files.Dir, "sshd_config");
        var args = Args(("src", "sshd_config.j2"), ("dest", dest), ("mode", "0600"));

        var first = Apply(new TemplateModule(), args, Context());
        var second = Apply(new TemplateModule(), args, Context());

        Assert.IsType<Change>(first);
        Assert.Equal("# Ansible managed\nPort 22\nCipher aes256-gcm@openssh.com\nCipher chacha20-poly1305@openssh.com\n", File.ReadAllText(dest));
        Assert.IsType<NoChange>(second);
    }

    [Theory]
    [InlineData("x {% raw %}y{% endraw %}\n", "x y\n")] // trim_blocks took the newline after the last tag: Ansible adds it back
    [InlineData("{% if true %}\nyes\n{% endif %}\n\n", "yes\n\n")]
    [InlineData("no newline", "no newline")]
    public void Template_EndsWithAsManyNewlinesAsTheTemplate_AsAnsiblesTemplateAction(string template, string expected)
    {
        _files.Write("templates/end.j2", template);
        var dest = Path.Combine(_files.Dir, "end");

        Apply(new TemplateModule(), Args(("src", "end.j2"), ("dest", dest)), Context());

        Assert.Equal(expected, File.ReadAllText(dest));
    }

    [Fact]
    public void Template_CheckMode_DiffsTheRenderedText()
    {
        _files.Write("templates/p.j2", "Port {{ port }}\n");
        var dest = _files.Write("p", "Port 2222\n");

        var plan = Assert.IsType<Change>(Apply(new TemplateModule(), Args(("src", "p.j2"), ("dest", dest)), Context(checkMode: true)));

        Assert.Contains("-Port 2222\n+Port 22\n", plan.Diff, StringComparison.Ordinal);
        Assert.Equal("Port 2222\n", File.ReadAllText(dest));
    }

    [Fact]
    public void Template_UndefinedVariable_FailsNamingTheTemplateLine()
    {
        var src = _files.Write("templates/bad.j2", "ok\n{{ nope }}\n");

        var failure = Assert.IsType<PlanFailure>(Apply(new TemplateModule(), Args(("src", "bad.j2"), ("dest", Path.Combine(_files.Dir, "out"))), Context()));

        Assert.Equal($"{src}:2:1: undefined variable 'nope'", failure.Message);
    }

    [Fact]
    public void Template_LstripBlocks_IsAnOption()
    {
        _files.Write("templates/l.j2", "a:\n  {% if true %}\n  - x\n  {% endif %}\n");
        var dest = Path.Combine(_files.Dir, "l");

        Apply(new TemplateModule(), Args(("src", "l.j2"), ("dest", dest), ("lstrip_blocks", true)), Context());

        Assert.Equal("a:\n  - x\n", File.ReadAllText(dest));
    }

    [Fact]
    public void Template_RolePath_IsSearchedFirst()
    {
        _files.Write("templates/t.j2", "playbook\n");
        _files.Write("roles/r/templates/t.j2", "role\n");
        var dest = Path.Combine(_files.Dir, "t");
        var vars = new Dictionary<string, object?> { ["role_path"] = Path.Combine(_files.Dir, "roles/r") };

        Apply(new TemplateModule(), Args(("src", "t.j2"), ("dest", dest)), Context(vars: vars));

        Assert.Equal("role\n", File.ReadAllText(dest));
    }

    [Fact]
    public void Validate_CommandFails_LeavesTheFileAndFails()
    {
        var dest = _files.Write("conf", "good\n");
        var plan = Assert.IsType<Change>(Apply(new CopyModule(), Args(("dest", dest), ("content", "bad\n"), ("validate", "grep -q good %s")), checkMode: true));

        var (exit, _, stderr) = Sh(plan.Script);

        Assert.Equal(1, exit);
        Assert.Contains($"validation failed, {dest} left unchanged: grep -q good %s", stderr, StringComparison.Ordinal);
        Assert.Equal("good\n", File.ReadAllText(dest));
        Assert.Single(Directory.GetFiles(_files.Dir));
    }

    [Fact]
    public void Validate_CommandPasses_Writes()
    {
        var dest = _files.Write("conf", "old\n");

        Apply(new CopyModule(), Args(("dest", dest), ("content", "good\n"), ("validate", "grep -q good %s")));

        Assert.Equal("good\n", File.ReadAllText(dest));
    }

    [Fact]
    public void Validate_WithoutPlaceholder_IsPlanFailure() =>
        Assert.Contains("validate must contain %s", Assert.IsType<PlanFailure>(
            Apply(new CopyModule(), Args(("dest", Path.Combine(_files.Dir, "x")), ("content", "x"), ("validate", "true")))).Message, StringComparison.Ordinal);

    public void Dispose() => _files.Dispose();
}

/// <summary>replace: Python patterns in multi-line mode, between after and before, written like the other file modules.</summary>
public sealed class ReplaceModuleTests : IDisposable
{
    private readonly TempFiles _files = new();

    [Theory]
    [InlineData("PermitRootLogin yes\n#PermitRootLogin yes\n", "^PermitRootLogin .*$", "PermitRootLogin no", null, null, "PermitRootLogin no\n#PermitRootLogin yes\n")]
    [InlineData("a=1\nb=2\n", "^(\\w)=(\\d)$", "\\2=\\1", null, null, "1=a\n2=b\n")]
    [InlineData("x=1\n[s]\nx=1\n[t]\nx=1\n", "^x=1$", "x=2", "\\[s\\]", "\\[t\\]", "x=1\n[s]\nx=2\n[t]\nx=1\n")]
    [InlineData("key: val\n", "(?P<k>\\w+): (?P<v>\\w+)", "\\g<v>: \\g<k>", null, null, "val: key\n")]
    [InlineData("cost 5\n", "(\\d)", "$\\1", null, null, "cost $5\n")]
    public void Edit_ReplacesLikePythonsReSub(string text, string regexp, string replace, string? after, string? before, string expected) =>
        Assert.Equal(expected, ReplaceModule.Edit(text, Args(("path", "/x"), ("regexp", regexp), ("replace", replace), ("after", after), ("before", before))));

    [Fact]
    public void Replace_ThenNoOp_MissingFileFails()
    {
        var path = _files.Write("sshd", "X11Forwarding yes\n");
        var args = Args(("path", path), ("regexp", "^X11Forwarding yes$"), ("replace", "X11Forwarding no"));

        Assert.IsType<Change>(Apply(new ReplaceModule(), args));
        Assert.IsType<NoChange>(Apply(new ReplaceModule(), args));
        Assert.Equal("X11Forwarding no\n", File.ReadAllText(path));
        Assert.IsType<PlanFailure>(Apply(new ReplaceModule(), Args(("path", path + ".missing"), ("regexp", "x"))));
    }

    public void Dispose() => _files.Dispose();
}
