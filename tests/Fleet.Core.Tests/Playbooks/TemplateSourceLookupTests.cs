using Fleet.Core.Inputs;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// Template sources at validation (issue 22): templates they include or import are checked like the top one, and files they look
/// up by a literal path (<c>lookup('file'|'template', …)</c>) are found on the role's or playbook's search path, or refused there.
/// </summary>
public sealed class TemplateSourceLookupTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string Playbook = "- hosts: all\n  vars: { known: 1 }\n  tasks:\n    - template: { src: t.j2, dest: /tmp/t }\n";

    [Theory]
    [InlineData("{{ lookup('template', 't.j2') }}\n", "template looks itself up: t.j2 → t.j2", "templates/t.j2:1:")]
    [InlineData("a\n{{ query('template', 'u.j2') }}\n", "template looks itself up: t.j2 → u.j2 → t.j2", "templates/u.j2:3:")]
    [InlineData("a\n{{ lookup('file', 'nosuch.txt') }}\n", "lookup('file', 'nosuch.txt') in the template of the task at", "templates/t.j2:2:")]
    [InlineData("{{ lookup(\"template\", 'nosuch.j2') }}\n", "the file is not found (looked in", "templates/t.j2:1:")]
    [InlineData("{{ lookup('file', \"it's {x}.txt\") }}\n", "lookup('file', 'it's {x}.txt') in the template of the task at", "templates/t.j2:1:")]
    [InlineData("{{ lookup('file', 'plain.txt', 'second.txt') }}\n", "lookup('file', 'second.txt') in the template of the task at", "templates/t.j2:1:")]
    [InlineData("{% set x = 1 %}{{ x ~ q('file', 'in' ~ 'ner.txt', 'nested.txt') | length }}\n", "lookup('file', 'nested.txt') in the template of the task at", "templates/t.j2:1:")]
    [InlineData("{{ lookup('file', 'fifo') }}\n", "not a regular file", "templates/t.j2:1:")]
    [InlineData("{% include 'u.j2' %}\n", "undefined variable 'nosuch' in the template of the task at", "templates/u.j2:2:")]
    [InlineData("{% include 'v.j2' %}\n", "template syntax error", "templates/w.j2:1:")]
    public void Validate_TemplateSourceLookupOrIncludeThatCannotWork_IsLocatedError(string template, string message, string at)
    {
        Write(template);

        var error = Assert.Throws<FleetInputException>(() => Validate());

        var match = error.Errors.FirstOrDefault(e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.True(match is not null, $"no error says '{message}':\n{error.Message}");
        Assert.StartsWith(Path.Combine(_files.Dir, at), match.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ lookup('file', 'plain.txt') }} {{ lookup('template', 'plain.j2') }}\n")]
    [InlineData("{{ lookup('file', 'files/plain.txt') }} {{ lookup('file', '" + "{{ known }}" + ".txt', errors='ignore') }}\n")]
    [InlineData("{% if known > 5 %}{{ lookup('template', 't.j2') }}{% endif %}\n")]
    [InlineData("{% set later = 1 %}{% include 'uses-later.j2' %}\n")]
    [InlineData("{% for later in [1] %}{% include 'uses-later.j2' %}{% endfor %}\n")]
    [InlineData("{% macro opt(k, v) %}{% if v is defined %}{{ k }} {{ v }}{% endif %}{% endmacro %}{{ opt('Port', sshd_Port) }}{{ opt('X', cfg.x) }}{% set v = undefined %}\n")]
    public void Validate_TemplateSourceLookupsThatWork_AreAccepted(string template)
    {
        Write(template);

        var inputs = Validate();

        Assert.DoesNotContain(inputs.Warnings, w => w.Message.Contains("lookup(", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GuardedMissingLookup_IsWarningOnly()
    {
        Write("{% if known > 5 %}{{ lookup('file', 'nosuch.txt') }}{% endif %}\n");

        var warning = Assert.Single(Validate().Warnings, w => w.Message.Contains("lookup('file', 'nosuch.txt')", StringComparison.Ordinal));

        Assert.StartsWith(Path.Combine(_files.Dir, "templates/t.j2:1:"), warning.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RoleTemplateLookup_FindsTheRoleFilesAndThePlaybookFiles()
    {
        Write("unused\n");
        File.WriteAllText(Path.Combine(_files.Dir, "pb.yml"), "- hosts: all\n  roles: [r]\n");
        Directory.CreateDirectory(Path.Combine(_files.Dir, "roles/r/tasks"));
        Directory.CreateDirectory(Path.Combine(_files.Dir, "roles/r/templates"));
        Directory.CreateDirectory(Path.Combine(_files.Dir, "roles/r/files"));
        File.WriteAllText(Path.Combine(_files.Dir, "roles/r/tasks/main.yml"), "- template: { src: r.j2, dest: /tmp/r }\n");
        File.WriteAllText(Path.Combine(_files.Dir, "roles/r/files/own.txt"), "own\n");
        File.WriteAllText(Path.Combine(_files.Dir, "roles/r/templates/r.j2"), "{{ lookup('file', 'own.txt') }} {{ lookup('file', 'plain.txt') }}\n");

        Assert.DoesNotContain(Validate().Warnings, w => w.Message.Contains("lookup(", StringComparison.Ordinal));
    }

    private void Write(string template)
    {
        var files = new Dictionary<string, string>
        {
            ["inv.yml"] = "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n",
            ["pb.yml"] = Playbook,
            ["templates/t.j2"] = template,
            ["templates/u.j2"] = "{{ known }}\n{{ nosuch }}\n{{ lookup('template', 't.j2') }}\n",
            ["templates/v.j2"] = "{% import 'w.j2' as w %}\n",
            ["templates/w.j2"] = "{{ a\n",
            ["templates/uses-later.j2"] = "{{ later }}\n",
            ["templates/plain.j2"] = "{{ known }}\n",
            ["files/plain.txt"] = "plain\n",
        };
        foreach (var (file, text) in files)
        {
            var path = Path.Combine(_files.Dir, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        BadInputTests.MakeFifo(Path.Combine(_files.Dir, "files/fifo"));
    }

    private RunInputs Validate() => RunInputs.Load(new RunInputsOptions
    {
        Inventory = Path.Combine(_files.Dir, "inv.yml"), Playbooks = [Path.Combine(_files.Dir, "pb.yml")], CheckTargets = false,
    });

    public void Dispose() => _files.Dispose();
}
