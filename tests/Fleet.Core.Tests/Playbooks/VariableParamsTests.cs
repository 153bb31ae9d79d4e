using Fleet.Core.Inputs;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Copy;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// Module arguments written as one template (<c>copy: "{{ copy_args }}"</c>, <c>args: "{{ item }}"</c>), as Ansible 2.14 takes them:
/// kept as <c>_variable_params</c>, rendered when the task runs, a mapping merged under the arguments written out, with Ansible's warning.
/// </summary>
public sealed class VariableParamsTests : IDisposable
{
    private static readonly SourceLocation At = new("play.yml", 4, 7);
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private (Playbook? Playbook, IReadOnlyList<InputError> Errors) Load(string playbook)
    {
        var path = _files.Write("play.yml", playbook);
        try
        {
            var loaded = PlaybookLoader.Load(path, ModuleCatalog.Default, [Path.Combine(_files.Dir, "roles")]);
            return (loaded, PlaybookValidator.Validate([loaded], null, new Dictionary<string, object?>(), ModuleCatalog.Default));
        }
        catch (FleetInputException ex)
        {
            return (null, ex.Errors);
        }
    }

    private static MapArg Splat(string template, params (string Key, string Value)[] written) =>
        new([new(ModuleArguments.VariableParams, new ScalarArg(template, true, At)), .. written.Select(w => new KeyValuePair<string, ArgValue>(w.Key, new ScalarArg(w.Value, true, At)))], At);

    private static VariableScope Vars(object? copyArgs) => VariableScope.Of(new Dictionary<string, object?> { ["copy_args"] = copyArgs });

    [Fact]
    public void Load_ModuleValueThatIsATemplate_IsKeptAsVariableParams_WithAnsiblesWarning()
    {
        var (playbook, errors) = Load("- hosts: all\n  vars:\n    copy_args: { dest: /tmp/x, content: \"x\\n\" }\n  tasks:\n    - name: Splat\n      copy: \"{{ copy_args }}\"\n");

        Assert.Empty(errors);
        var task = playbook!.Plays[0].Tasks.Single();
        Assert.Equal("{{ copy_args }}", Assert.IsType<ScalarArg>(task.Args[ModuleArguments.VariableParams]).Value);
        var warning = Assert.Single(playbook.Warnings);
        Assert.Equal(ModuleArguments.VariableParamsWarning, warning.Message);
        Assert.Equal(6, warning.Location!.Value.Line);
    }

    [Fact]
    public void Load_ArgsKeywordTemplate_WithALoopItem_Validates()
    {
        var (playbook, errors) = Load("- hosts: all\n  tasks:\n    - name: Each\n      file:\n      args: \"{{ item }}\"\n      loop:\n        - { path: /tmp/a, state: directory }\n        - { path: /tmp/b, state: touch }\n");

        Assert.Empty(errors);
        Assert.NotNull(playbook!.Plays[0].Tasks.Single().Args[ModuleArguments.VariableParams]);
    }

    [Fact]
    public void Validate_TemplateMissingARequiredParameter_IsLocated()
    {
        var (_, errors) = Load("- hosts: all\n  vars:\n    copy_args: { content: x }\n  tasks:\n    - copy: \"{{ copy_args }}\"\n");

        var error = Assert.Single(errors);
        Assert.Equal("copy: missing required parameter 'dest'", error.Message);
        Assert.Equal(5, error.Location!.Value.Line);
    }

    [Fact]
    public void Load_EngineActionWithTemplateText_StaysAnError()
    {
        var (_, errors) = Load("- hosts: all\n  tasks:\n    - debug: \"{{ msg_args }}\"\n");

        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Bind_MappingMergedUnderWrittenArguments()
    {
        var copyArgs = new Dictionary<string, object?> { ["dest"] = "/tmp/from-var", ["content"] = "var\n", ["mode"] = "0600", ["force"] = false };

        var args = ModuleArguments.Bind(new CopyModule(), Splat("{{ copy_args }}", ("dest", "/tmp/written")), Vars(copyArgs));

        Assert.Equal("/tmp/written", args.GetString("dest"));
        Assert.Equal("var\n", args.GetString("content"));
        Assert.Equal("0600", args.GetString("mode"));
        Assert.False(args.GetBool("force"));
    }

    [Fact]
    public void Bind_NotAMapping_IsAnsiblesMalformedArgument()
    {
        var error = Assert.Throws<FleetInputException>(() => ModuleArguments.Bind(new CopyModule(), Splat("{{ copy_args }}"), Vars("dest=/tmp/x")));

        Assert.Equal("invalid or malformed argument: 'dest=/tmp/x'", Assert.Single(error.Errors).Message);
        Assert.Equal(At, error.Errors[0].Location);
    }

    [Fact]
    public void Bind_UnknownKeyInTheMapping_IsNamed()
    {
        var error = Assert.Throws<FleetInputException>(() => ModuleArguments.Bind(new CopyModule(), Splat("{{ copy_args }}"), Vars(new Dictionary<string, object?> { ["dest"] = "/x", ["content"] = "", ["colour"] = "red" })));

        Assert.Contains(error.Errors, e => e.Message.StartsWith("copy: unknown parameter 'colour'", StringComparison.Ordinal));
    }
}
