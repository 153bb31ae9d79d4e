using Fleet.Core.Execution;
using Fleet.Core.Inventory;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Tests;

namespace Fleet.Core.Tests.Execution;

/// <summary>A role's meta/argument_specs.yml: Ansible's validation task first in the role, checking the role's variables.</summary>
public sealed class RoleArgumentSpecTests : IDisposable
{
    private const string Spec = """
        argument_specs:
          main:
            short_description: A tiny role.
            options:
              count: { type: int, required: true, description: how many }
              mode: { type: str, choices: [a, b] }
              names: { type: list, elements: int, default: [] }
        """;

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string name, string text) => _files.Write(name, text);

    private async Task<HostResult> RunAsync(string vars, string spec = Spec)
    {
        Write("roles/tiny/meta/argument_specs.yml", spec);
        Write("roles/tiny/tasks/main.yml", "- debug: msg=hi\n");
        var report = await LocalRuns.RunAsync(_files, LocalRuns.OneHost, $"- hosts: all\n  gather_facts: false\n  roles:\n    - role: tiny\n      vars: {vars}\n");
        return report.Hosts[0];
    }

    private static string Statuses(HostResult host) => LocalRuns.Statuses(host);

    [Fact]
    public async Task MatchingVariables_TheValidationTaskIsOkAndRunsFirst()
    {
        var host = await RunAsync("{ count: \"5\", mode: a, names: [1, \"2\"] }");

        Assert.Equal("ok tiny : Validating arguments against arg spec 'main' - A tiny role.\nok tiny : debug", Statuses(host));
    }

    [Fact]
    public async Task WrongTypesAndChoices_FailWithAnsiblesMessage()
    {
        var host = await RunAsync("{ count: x, mode: c, names: [z] }");

        Assert.Equal("failed tiny : Validating arguments against arg spec 'main' - A tiny role.", Statuses(host));
        Assert.Equal(
            "Validation of arguments failed:\n"
            + "argument 'count' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int\n"
            + "Elements value for option 'names' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int\n"
            + "value of mode must be one of: a, b, got: c",
            host.Tasks[0].Message);
    }

    [Fact]
    public async Task TemplatedText_IsNamedStr_AsAnsiblePlaybookNamesIt()
    {
        var host = await RunAsync("{ count: \"{{ 'x' | upper }}\", mode: a, names: \"{{ ['z'] }}\" }");

        // ansible-playbook 2.14: text a template computed is str, text read from YAML AnsibleUnicode (the test above).
        Assert.Equal(
            "Validation of arguments failed:\n"
            + "argument 'count' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int\n"
            + "Elements value for option 'names' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int",
            host.Tasks[0].Message);
    }

    [Fact]
    public async Task MissingRequired_FailsNamingIt()
    {
        var host = await RunAsync("{ mode: a }");

        Assert.Equal("Validation of arguments failed:\nmissing required arguments: count", host.Tasks[0].Message);
    }

    [Fact]
    public void SpecKeyFleetDoesNotCheck_IsALocatedError()
    {
        Write("roles/tiny/meta/argument_specs.yml", "argument_specs:\n  main:\n    options:\n      count: { type: int, fallback: [env_fallback, [COUNT]] }\n      when: { type: complex }\n");
        Write("roles/tiny/tasks/main.yml", "- debug: msg=hi\n");

        var ex = Assert.Throws<FleetInputException>(() => PlaybookLoader.Load(Write("playbook.yml", "- hosts: all\n  roles: [tiny]\n"), ModuleCatalog.Default));

        Assert.Contains(ex.Errors, e => e.Location?.Line == 4 && e.Message.Contains("'fallback' is not supported by Fleet", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Location?.Line == 5 && e.Message.Contains("type 'complex' is not supported by Fleet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RoleParamNotInTheSpec_FailsAsUnsupported_AndDefaultsAreNotVariables()
    {
        Write("roles/tiny/meta/argument_specs.yml", "argument_specs:\n  main:\n    options:\n      count: { type: int, default: 3 }\n");
        Write("roles/tiny/tasks/main.yml", "- debug: msg=\"count={{ count | default('undef') }}\"\n");
        var inventory = InventoryLoader.Load(Write("inventory.yml", LocalRuns.OneHost));
        var loaded = PlaybookLoader.Load(Write("playbook.yml", "- hosts: all\n  gather_facts: false\n  roles:\n    - role: tiny\n    - role: tiny\n      extra: 1\n"), ModuleCatalog.Default);

        var report = await new PlaybookRunner(new LocalShellConnector(), ModuleCatalog.Default).RunAsync(inventory, [loaded], new RunOptions(), CancellationToken.None);

        var tasks = report.Hosts[0].Tasks;
        Assert.Equal("count=undef", tasks[1].Message);
        Assert.Equal("Validation of arguments failed:\nextra. Supported parameters include: count.", tasks[2].Message);
    }
}
