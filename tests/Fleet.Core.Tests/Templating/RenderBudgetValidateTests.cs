using Fleet.Core.Inputs;
using Fleet.Core.Tests.Playbooks;

namespace Fleet.Core.Tests.Templating;

/// <summary>The render budget through the entry point of <c>fleet validate</c>: one located error, within a time bound, never exit 70.</summary>
public sealed class RenderBudgetValidateTests : IDisposable
{
    private readonly TempFiles _files = new();

    private const string Inventory = "all:\n  hosts:\n    h1: { address: 127.0.0.1 }\n";

    [Theory]
    [InlineData("all:\n  hosts:\n    h1: { port: \"{{ 2 ** 64 }}\" }\n", "- hosts: all\n  tasks: []\n", "inv.yml:3:", "a number does not fit in a 64-bit integer")]
    [InlineData("all:\n  hosts:\n    h1: { port: \"{{ 9223372036854775807 + 1 }}\" }\n", "- hosts: all\n  tasks: []\n", "inv.yml:3:", "a number does not fit in a 64-bit integer")]
    [InlineData(Inventory, "- hosts: all\n  tasks:\n    - debug: { msg: \"{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}\" }\n", "pb.yml:3:", "templates nest deeper than the template limit of")]
    [InlineData(Inventory, "- hosts: all\n  vars:\n    a: \"{{ b }}\"\n    b: \"{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\"\n  tasks:\n    - debug: { msg: \"{{ a }}\" }\n", "pb.yml:6:", "templates nest deeper than the template limit of")]
    [InlineData(Inventory, "- hosts: all\n  tasks:\n    - debug: { msg: \"{{ 'x' * 4294967296 }}\" }\n", "pb.yml:3:", "the template builds a text of 4294967296 characters")]
    [InlineData(Inventory, "- hosts: all\n  tasks:\n    - debug: { msg: \"{{ [1, 'a'] | sort }}\" }\n", "pb.yml:3:", "filter 'sort': '<' not supported")]
    [InlineData(Inventory, "- hosts: all\n  tasks:\n    - debug: { msg: hi }\n      when: \"{{ foo }} == 1\"\n", "pb.yml:4:", "conditional statements should not include jinja2 templating delimiters")]
    public async Task Validate_TemplatePastItsBudget_IsOneLocatedError(string inventory, string playbook, string at, string message)
    {
        var inv = _files.Write("inv.yml", inventory);
        var pb = _files.Write("pb.yml", playbook);

        var ex = await BadInputTests.BoundedAsync(() => RunInputs.Load(new RunInputsOptions { Inventory = inv, Playbooks = [pb], CheckTargets = false }));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith(Path.Combine(_files.Dir, at), error.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PasswordHashOfABillionRounds_IsNotComputed()
    {
        var inv = _files.Write("inv.yml", Inventory);
        var pb = _files.Write("pb.yml", "- hosts: all\n  tasks:\n    - debug: { msg: \"{{ 'x' | password_hash('sha512', 'salt', rounds=999999999) }}\" }\n");

        var run = Task.Run(() => RunInputs.Load(new RunInputsOptions { Inventory = inv, Playbooks = [pb], CheckTargets = false }));

        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10))) == run, "validation did not end within 10 s");
        await run;
    }

    public void Dispose() => _files.Dispose();
}
