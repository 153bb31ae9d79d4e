using System.Text.RegularExpressions;
using Fleet.Core.Inputs;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// Bad files, plays, roles, includes, loops and lookups (issue 22): each is refused through the entry point of <c>fleet validate</c>
/// as a located <see cref="FleetInputException"/> in Fleet's own words, within a time bound, never passed silently.
/// </summary>
public sealed partial class StructureBadInputTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string Inventory = "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n";

    /// <summary>One bad input: the files written (besides the inventory) and what the error must say where.</summary>
    /// <param name="Files">File name → text; a FIFO for <c>FIFO</c>, a directory for <c>DIR</c>, a symbolic link for <c>LINK:target</c>. The playbook is <c>pb.yml</c>.</param>
    /// <param name="At">Where the error must point: a <c>file:line:column</c> prefix relative to the test directory.</param>
    public sealed record Case(string Name, Dictionary<string, string> Files, string Message, string At);

    private static Case Play(string name, string playbook, string message, string at, params (string Name, string Text)[] files) =>
        new(name, files.Append((Name: "pb.yml", Text: playbook)).ToDictionary(f => f.Name, f => f.Text), message, at);

    private static Case Task(string name, string task, string message, string at, params (string Name, string Text)[] files) =>
        Play(name, "- hosts: all\n  vars: { known: 1 }\n  tasks:\n    - " + task + "\n", message, at, files);

    private static readonly Dictionary<string, Case> CasesByName = new Case[]
    {
        // every file read goes through the input-file rules
        Task("lookup file of /dev/zero", "command: \"echo {{ lookup('file', '/dev/zero') }}\"", "file of lookup('file') is not a regular file", "pb.yml:4:16"),
        Task("lookup file of a FIFO", "command: \"echo {{ lookup('file', '@DIR@/files/fifo') }}\"", "file of lookup('file') is not a regular file", "pb.yml:4:16", ("files/fifo", "FIFO")),
        Task("lookup file of /proc/self/pagemap", "command: \"echo {{ lookup('file', '/proc/self/pagemap') }}\"", "file of lookup('file') cannot be read: /proc/self/pagemap", "pb.yml:4:16"),
        Task("lookup file of a dangling link", "command: \"echo {{ lookup('file', '@DIR@/files/dang') }}\"", "symbolic link that leads nowhere", "pb.yml:4:16", ("files/dang", "LINK:nowhere")),
        Task("template src a FIFO", "template: { src: t.j2, dest: /tmp/t }", "src: not a regular file on the controller", "pb.yml:4:24", ("templates/t.j2", "FIFO")),
        Task("copy src a dangling link", "copy: { src: dang, dest: /tmp/t }", "src: a symbolic link that leads nowhere", "pb.yml:4:20", ("files/dang", "LINK:nowhere")),
        Task("copy src a looping link", "copy: { src: a, dest: /tmp/t }", "src: a symbolic link that leads nowhere", "pb.yml:4:20", ("files/a", "LINK:b"), ("files/b", "LINK:a")),

        // template sources are parsed at validation
        Task("template syntax error", "template: { src: t.j2, dest: /tmp/t }", "template syntax error", "templates/t.j2:2:", ("templates/t.j2", "ok\n{% if %}\n")),
        Task("template unknown filter", "template: { src: t.j2, dest: /tmp/t }", "unknown filter 'nosuch'", "templates/t.j2:3:", ("templates/t.j2", "a\nb\n{{ known | nosuch }}\n")),
        Task("template includes itself", "template: { src: t.j2, dest: /tmp/t }", "template includes itself: t.j2 → t.j2", "templates/t.j2:2:", ("templates/t.j2", "a\n{% include 't.j2' %}\n")),
        Task("templates include each other", "template: { src: t.j2, dest: /tmp/t }", "template includes itself: t.j2 → u.j2 → t.j2", "templates/u.j2:1:", ("templates/t.j2", "{% include 'u.j2' %}\n"), ("templates/u.j2", "{% include 't.j2' %}\n")),
        Task("template included has a syntax error", "template: { src: t.j2, dest: /tmp/t }", "template syntax error", "templates/u.j2:1:", ("templates/t.j2", "{% include 'u.j2' %}\n"), ("templates/u.j2", "{{ a\n")),
        Task("template undefined variable", "template: { src: t.j2, dest: /tmp/t }", "undefined variable 'nosuch' in the template of the task at", "templates/t.j2:2:", ("templates/t.j2", "{{ known }}\n{{ nosuch }}\n")),

    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Cases => new(CasesByName.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_BadStructure_IsOneLocatedInputError(string name)
    {
        var input = CasesByName[name];
        Write(input.Files);

        var error = await BadInputTests.BoundedAsync(() => Validate());

        var match = error.Errors.FirstOrDefault(e => e.Message.Contains(input.Message, StringComparison.Ordinal));
        Assert.True(match is not null, $"no error says '{input.Message}':\n{error.Message}");
        Assert.True(match.ToString().StartsWith(Path.Combine(_files.Dir, input.At), StringComparison.Ordinal), $"not at {input.At}: {match}");
        Assert.DoesNotMatch(DotNetText(), error.Message);
    }

    [Fact]
    public void Validate_GuardedUndefinedInTemplate_IsWarningOnly()
    {
        Write(new()
        {
            ["templates/t.j2"] = "{% if y is defined %}{{ y }}{% endif %}\n{% if known %}{{ later }}{% endif %}\n{{ under_when }}\n{{ ansible_managed }}\n",
            ["pb.yml"] = "- hosts: all\n  vars: { known: 1 }\n  tasks:\n    - template: { src: t.j2, dest: /tmp/t }\n      when: known == 1\n",
        });

        var inputs = Validate();

        Assert.Equal(
            ["later", "under_when"],
            inputs.Warnings.Select(w => Regex.Match(w.Message, "undefined variable '([^']+)'").Groups[1].Value).Order(StringComparer.Ordinal));
    }
    private void Write(Dictionary<string, string> files)
    {
        foreach (var (file, text) in files.Append(new("inv.yml", Inventory)))
        {
            var path = Path.Combine(_files.Dir, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (text)
            {
                case "FIFO":
                    BadInputTests.MakeFifo(path);
                    break;
                case "DIR":
                    Directory.CreateDirectory(path);
                    break;
                case var link when link.StartsWith("LINK:", StringComparison.Ordinal):
                    File.CreateSymbolicLink(path, link["LINK:".Length..]);
                    break;
                default:
                    File.WriteAllText(path, text.Replace("@DIR@", _files.Dir, StringComparison.Ordinal));
                    break;
            }
        }
    }

    /// <summary>What <c>fleet validate -i inv.yml pb.yml</c> reads and checks.</summary>
    private RunInputs Validate() => RunInputs.Load(Options());

    private RunInputsOptions Options() => new()
    {
        Inventory = Path.Combine(_files.Dir, "inv.yml"), Playbooks = [Path.Combine(_files.Dir, "pb.yml")], CheckTargets = false,
    };

    /// <summary>Text only .NET writes: a namespace-qualified type, an exception name, a stack frame.</summary>
    [GeneratedRegex(@"System\.|Exception\b|\bat Fleet\.|   at ")]
    private static partial Regex DotNetText();

    public void Dispose() => _files.Dispose();
}
