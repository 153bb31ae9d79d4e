using System.Diagnostics;
using Fleet.Core.Inputs;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Yaml;

namespace Fleet.Core.Tests.Playbooks;

/// <summary>
/// The bad inputs a fuzzing run found (issue 7): each is one located error through the entry point of <c>fleet validate</c>
/// (a <see cref="FleetInputException"/>, never another exception, a crash, a hang or gigabytes of memory).
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string GoodInventory = "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n";

    private const string GoodPlaybook = "- hosts: all\n  tasks:\n    - command: echo hi\n";

    /// <summary>One bad input: the files written, which is the inventory and which the playbook, and what the error must say where.</summary>
    /// <param name="Files">File name → text; a FIFO for the text <c>FIFO</c>, a directory for <c>DIR</c>.</param>
    /// <param name="At">Where the error must point: <c>file:line:column</c> (or a prefix like <c>file:3:</c>) relative to the test directory, or <c>named:FILE</c> when no line applies and the message names the file.</param>
    public sealed record Case(string Name, Dictionary<string, string> Files, string? Inventory, string Playbook, string Message, string At);

    private static Dictionary<string, string> Files(params (string Name, string Text)[] files) => files.ToDictionary(f => f.Name, f => f.Text);

    private static Case Play(string name, string playbook, string message, string at) =>
        new(name, Files(("inv.yml", GoodInventory), ("pb.yml", playbook)), "inv.yml", "pb.yml", message, at);

    private static Case Inv(string name, string inventory, string message, string at) =>
        new(name, Files(("inv.yml", inventory), ("pb.yml", GoodPlaybook)), "inv.yml", "pb.yml", message, at);

    private static readonly string Deep = new string('[', 100_000) + new string(']', 100_000);

    private static readonly string Bomb = "- hosts: all\n  vars:\n    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + string.Concat(Enumerable.Range(1, 9).Select(i => $"    l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))}]\n"))
        + "  tasks: []\n";

    internal static readonly Dictionary<string, Case> CasesByName = new Case[]
    {
        // crashes
        Play("recursive alias", "- hosts: all\n  vars:\n    a: &x [1, *x]\n  tasks: []\n", "alias *x is inside its own anchor &x", "pb.yml:3:15"),
        Play("nesting 100,000 deep", "- hosts: all\n  vars:\n    a: " + Deep + "\n  tasks: []\n", "nesting deeper than 200 levels", "pb.yml:3:"),
        // memory
        Play("billion laughs in play vars", Bomb, "aliases expand to more than", "pb.yml:"),
        Inv("host ranges multiplying past the limit", "all:\n  hosts:\n    h[0:9999]-[0:9999]:\n", "names more than 10000 hosts", "inv.yml:3:5"),
        // hangs: a FIFO is never opened
        new("FIFO as playbook", Files(("inv.yml", GoodInventory), ("pb.yml", "FIFO")), "inv.yml", "pb.yml", "not a regular file", "named:pb.yml"),
        new("FIFO as inventory", Files(("inv.yml", "FIFO"), ("pb.yml", GoodPlaybook)), "inv.yml", "pb.yml", "not a regular file", "named:inv.yml"),
        new("FIFO as vars_files", Files(("inv.yml", GoodInventory), ("v.yml", "FIFO"), ("pb.yml", "- hosts: all\n  vars_files: [v.yml]\n  tasks: []\n")), "inv.yml", "pb.yml", "not a regular file", "pb.yml:2:16"),
        new("FIFO as group_vars", Files(("inv.yml", GoodInventory), ("group_vars/all.yml", "FIFO"), ("pb.yml", GoodPlaybook)), "inv.yml", "pb.yml", "not a regular file", "group_vars/all.yml:1:1"),
        // raw .NET messages
        Play("integer overflow in when", "- hosts: all\n  tasks:\n    - command: echo\n      when: 99999999999999999999 > 1\n", "is too large", "pb.yml:4:13"),
        Play("integer overflow in a template", "- hosts: all\n  tasks:\n    - command: \"echo {{ 99999999999999999999 }}\"\n", "is too large", "pb.yml:3:16"),
        Play("timeout beyond TimeSpan", "- hosts: all\n  tasks:\n    - command: echo\n      timeout: 9999999999999\n", "timeout must be a whole number of seconds from 0 to", "pb.yml:4:16"),
        Play("delay beyond TimeSpan", "- hosts: all\n  tasks:\n    - command: echo\n      delay: 9999999999999\n", "delay must be a whole number of seconds from 0 to", "pb.yml:4:14"),
        Inv("host ranges whose product overflows", "all:\n  hosts:\n    h[0:9]-[0:9223372036854775807]:\n", "names more than 10000 hosts", "inv.yml:3:5"),
        Inv("host range bound overflow", "all:\n  hosts:\n    h[0:99999999999999999999]:\n", "a bound is too large", "inv.yml:3:5"),
        Inv("host range step overflow", "all:\n  hosts:\n    h[0:9:99999999999999999999]:\n", "step a number from 1", "inv.yml:3:5"),
        Inv("jump port overflow", "all:\n  hosts:\n    h1: { jump: \"u@j:99999999999\" }\n", "jump port must be a number from 1 to 65535", "inv.yml:3:17"),
        Inv("jump port 70000", "all:\n  hosts:\n    h1: { jump: \"j:70000\" }\n", "jump port must be a number from 1 to 65535, not '70000'", "inv.yml:3:17"),
        Play("[ in a host pattern", "- hosts: \"web[1\"\n  tasks: []\n", "has a [ without its closing ]", "pb.yml:1:3"),
        Play("non-scalar key in vars", "- hosts: all\n  vars:\n    ? [a, b]\n    : 1\n  tasks: []\n", "a mapping key must be text", "pb.yml:3:7"),
        Play("duplicate key hidden by a tag", "- hosts: all\n  vars:\n    !!str a: 1\n    a: 2\n  tasks: []\n", "duplicate key 'a'", "pb.yml:4:5"),
        Play("? : c keys", "- hosts: all\n  vars:\n    ? : c\n  tasks: []\n", "a mapping key must be text", "pb.yml:3:"),
        Inv("undefined template in an inventory port", "all:\n  hosts:\n    h1: { port: \"{{ nosuch }}\" }\n", "port: undefined variable 'nosuch'", "inv.yml:3:17"),
        // wrong or missing locations
        Play("template error inside a variable", "- hosts: all\n  vars:\n    a: \"{{ b\"\n  tasks:\n    - command: \"echo {{ a }}\"\n", "in variable 'a': template syntax error: unterminated", "pb.yml:5:16"),
        Play("variable cycle", "- hosts: all\n  vars:\n    a: \"{{ b }}\"\n    b: \"{{ a }}\"\n  tasks:\n    - command: \"echo {{ a }}\"\n", "cycle: a → b → a", "pb.yml:6:16"),
        new("mutual import", Files(("inv.yml", GoodInventory), ("a.yml", "- import_playbook: b.yml\n"), ("b.yml", "- import_playbook: a.yml\n")), "inv.yml", "a.yml", "import cycle: a.yml → b.yml → a.yml", "b.yml:1:20"),
        // accepted silently
        Play("hosts: empty", "- hosts:\n  tasks: []\n", "empty host pattern", "pb.yml:1:9"),
        Play("hosts: \"\"", "- hosts: \"\"\n  tasks: []\n", "empty host pattern", "pb.yml:1:10"),
        Play("hosts: \":\"", "- hosts: \":\"\n  tasks: []\n", "empty host pattern", "pb.yml:1:10"),
        Play("a second document", GoodPlaybook + "---\n" + GoodPlaybook, "a second YAML document", "pb.yml:4:1"),
        Inv("groups a and b children of each other", "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n", "group cycle: a → b → a", "inv.yml:7:13"),
        Inv("a group its own child", "all:\n  children:\n    a:\n      children:\n        a:\n", "group 'a' is its own child", "inv.yml:5:9"),
        Inv("all as a child", "all:\n  children:\n    a:\n      children:\n        all:\n", "'all' cannot be a child", "inv.yml:5:9"),
        // misleading
        new("directory as playbook", Files(("inv.yml", GoodInventory), ("pb.yml", "DIR")), "inv.yml", "pb.yml", "playbook file is a directory", "named:pb.yml"),
        new("directory as vars_files", Files(("inv.yml", GoodInventory), ("v.yml", "DIR"), ("pb.yml", "- hosts: all\n  vars_files: [v.yml]\n  tasks: []\n")), "inv.yml", "pb.yml", "vars file is a directory", "pb.yml:2:16"),
        new("directory as template src", Files(("inv.yml", GoodInventory), ("templates/motd", "DIR"), ("pb.yml", "- hosts: all\n  tasks:\n    - template: { src: motd, dest: /etc/motd }\n")), "inv.yml", "pb.yml", "src: is a directory on the controller", "pb.yml:3:24"),
        Inv("empty address", "all:\n  hosts:\n    h1: { address: '' }\n", "address is empty", "inv.yml:3:20"),
        Play("!vault value", "- hosts: all\n  vars:\n    secret: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      3131\n  tasks: []\n", "Ansible Vault", "pb.yml:3:13"),
        Inv("vault-encrypted inventory", "$ANSIBLE_VAULT;1.1;AES256\n6162\n", "encrypted with Ansible Vault", "inv.yml:1:1"),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Cases => new(CasesByName.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Validate_BadInput_IsOneLocatedInputError(string name)
    {
        var input = CasesByName[name];
        WriteFiles(input, _files.Dir);

        var error = await BoundedAsync(() => Validate(input.Inventory is null ? null : Path.Combine(_files.Dir, input.Inventory), Path.Combine(_files.Dir, input.Playbook)));

        var match = error.Errors.FirstOrDefault(e => e.Message.Contains(input.Message, StringComparison.Ordinal));
        Assert.True(match is not null, $"no error says '{input.Message}':\n{error.Message}");
        if (input.At.StartsWith("named:", StringComparison.Ordinal))
        {
            Assert.Contains(Path.Combine(_files.Dir, input.At["named:".Length..]), match.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith(Path.Combine(_files.Dir, input.At), match.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/nonexistent/fleet-key", "identity file not found: /nonexistent/fleet-key (host h1, h2)")]
    [InlineData("keys", "identity file is a directory")]
    [InlineData("fifo", "identity file is not a regular file")]
    public void CheckTargets_IdentityFileNotUsable_IsLocatedInputErrorBeforeContacting(string identity, string message)
    {
        Directory.CreateDirectory(Path.Combine(_files.Dir, "keys"));
        MakeFifo(Path.Combine(_files.Dir, "fifo"));
        var path = _files.Write("inv.yml", $"all:\n  vars: {{ identity_file: {identity} }}\n  hosts:\n    h1:\n    h2:\n");
        var inventory = Core.Inventory.InventoryLoader.Load(path);

        var errors = inventory.CheckTargets(inventory.Hosts, null, credentials: true);

        var error = Assert.Single(errors);
        Assert.StartsWith($"{path}:2:26: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(inventory.CheckTargets(inventory.Hosts, null, credentials: false)); // validation leaves credentials to the commands that connect
    }

    [Fact]
    public async Task Validate_DevZeroAsPlaybook_IsRefusedWithoutReading()
    {
        var error = await BoundedAsync(() => Validate(null, "/dev/zero"));

        Assert.Contains("playbook file is not a regular file (a FIFO, device or socket), refused: /dev/zero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_FileOverTheSizeLimit_IsRefused()
    {
        var path = Path.Combine(_files.Dir, "huge.yml");
        using (var stream = File.Create(path))
        {
            stream.SetLength(InputFile.MaxBytes + 1); // sparse: no disk, no memory
        }

        var error = await BoundedAsync(() => Validate(null, path));

        Assert.Contains("is larger than 16 MiB", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes the files of <paramref name="input"/> under <paramref name="dir"/>: a FIFO for the text FIFO, a directory for DIR.</summary>
    internal static void WriteFiles(Case input, string dir)
    {
        foreach (var (file, text) in input.Files)
        {
            var path = Path.Combine(dir, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (text)
            {
                case "FIFO":
                    MakeFifo(path);
                    break;
                case "DIR":
                    Directory.CreateDirectory(path);
                    break;
                default:
                    File.WriteAllText(path, text);
                    break;
            }
        }
    }

    /// <summary>What <c>fleet validate [-i INVENTORY] PLAYBOOK</c> reads and checks.</summary>
    private static void Validate(string? inventory, string playbook) =>
        RunInputs.Load(new RunInputsOptions { Inventory = inventory, InventoryOptional = true, Playbooks = [playbook], CheckTargets = false });

    /// <summary>Runs <paramref name="validate"/> on its own thread, which must end within 10 s with a <see cref="FleetInputException"/>.</summary>
    internal static async Task<FleetInputException> BoundedAsync(Action validate)
    {
        var run = Task.Factory.StartNew(validate, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run, "validation did not end within 10 s");
        return Assert.IsType<FleetInputException>(run.Exception?.InnerException);
    }

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public void Dispose() => _files.Dispose();
}
