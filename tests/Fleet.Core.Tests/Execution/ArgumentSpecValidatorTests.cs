using Fleet.Core.Execution.Actions;

namespace Fleet.Core.Tests.Execution;

/// <summary>
/// A role's argument spec checked as Ansible 2.14's ArgumentSpecValidator checks it; each expected message was printed by
/// ansible-playbook for the same spec and values.
/// </summary>
public sealed class ArgumentSpecValidatorTests
{
    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    private static List<object?> List(params object?[] items) => [.. items];

    private static readonly Dictionary<string, object?> UserOptions = Map(
        ("name", Map(("type", "str"), ("aliases", List("login")))),
        ("uid", Map(("type", "int"))),
        ("system", Map(("type", "bool"))),
        ("state", Map(("type", "str"), ("default", "present"), ("choices", List("present", "absent")))),
        ("shell", Map(("type", "str"))),
        ("home", Map(("type", "path"))),
        ("a", Map()),
        ("b", Map()));

    private static readonly Dictionary<string, object?> Spec = Map(
        ("port", Map(("type", "int"), ("default", 22L))),
        ("ratio", Map(("type", "float"))),
        ("size", Map(("type", "bytes"))),
        ("bw", Map(("type", "bits"))),
        ("conf", Map(("type", "dict"))),
        ("blob", Map(("type", "json"))),
        ("name", Map(("type", "str"), ("aliases", List("label")))),
        ("state", Map(("type", "str"), ("choices", List("present", "absent")), ("default", "present"))),
        ("flag", Map(("type", "bool"), ("choices", List(true, false)))),
        ("users", Map(
            ("type", "list"),
            ("elements", "dict"),
            ("mutually_exclusive", List(List("uid", "system"))),
            ("required_one_of", List(List("name", "uid"))),
            ("required_if", List(List("state", "present", List("shell")))),
            ("required_by", Map(("home", List("shell")))),
            ("required_together", List(List("a", "b"))),
            ("options", UserOptions))),
        ("sub", Map(("type", "dict"), ("apply_defaults", true), ("options", Map(("x", Map(("type", "int"), ("default", 1L))), ("y", Map(("type", "str"), ("required", true))))))),
        ("secret", Map(("type", "str"), ("no_log", true), ("choices", List("a")))));

    [Fact]
    public void GoodValues_AreConvertedAsAnsibleConvertsThem()
    {
        var values = Map(("port", "80"), ("ratio", "1.5"), ("size", "10M"), ("bw", "1Mb"), ("conf", "a=1 b=2"), ("blob", List(1L, 2L)), ("label", "lab"), ("flag", "True"), ("sub", Map(("y", "yy"))));

        var errors = ArgumentSpecValidator.Validate(Spec, values);

        Assert.Empty(errors);
        Assert.Equal((80L, 1.5, 10485760L, 1048576L, "lab", true), (values["port"], values["ratio"], values["size"], values["bw"], values["name"], values["flag"]));
        Assert.Equal(Map(("a", "1"), ("b", "2")), values["conf"]);
        Assert.Equal("[1, 2]", values["blob"]);
        Assert.Equal(Map(("y", "yy"), ("x", 1L)), values["sub"]);
    }

    [Fact]
    public void BadValues_GiveAnsiblesMessagesInItsOrder()
    {
        var values = Map(
            ("port", "x"), ("ratio", "abc"), ("size", "1Kb"), ("bw", "1KB"), ("conf", "nope"), ("blob", 5L), ("state", "gone"),
            ("users", List(Map(("name", "a"), ("uid", 1L), ("system", true), ("home", "/h")), Map(("state", "present"), ("a", 1L)), Map(("login", "c"), ("shell", "sh"), ("zz", 1L)))),
            ("sub", Map()), ("secret", "hush"));

        var errors = ArgumentSpecValidator.Validate(Spec, values);

        Assert.Equal(
            [
                "argument 'port' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int",
                "argument 'ratio' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to float: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to a float",
                "argument 'size' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to bytes: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to a Byte value",
                "argument 'bw' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to bits: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to a Bit value",
                "argument 'conf' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value",
                "argument 'blob' is of type <class 'int'> and we were unable to convert to json: <class 'int'> cannot be converted to a json string",
                "value of state must be one of: present, absent, got: gone",
                "value of secret must be one of: a, got: hush",
                "parameters are mutually exclusive: uid|system found in users",
                "state is present but all of the following are missing: shell found in users",
                "missing parameter(s) required by 'home': shell found in users",
                "parameters are required together: a, b found in users",
                "one of the following is required: name, uid found in users",
                "state is present but all of the following are missing: shell found in users",
                "missing required arguments: y found in sub",
                "users.zz. Supported parameters include: a, b, home, name, shell, state, system, uid (login).",
            ],
            errors);
    }

    [Fact]
    public void Defaults_TakePartInTheChecks()
    {
        var spec = Map(("n", Map(("type", "int"), ("default", "many"))), ("mode", Map(("choices", List("a", "b")), ("default", "c"))));

        var errors = ArgumentSpecValidator.Validate(spec, Map());

        Assert.Equal(
            ["argument 'n' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int", "value of mode must be one of: a, b, got: c"],
            errors);
    }

    [Fact]
    public void RequiredWithADefault_IsAnsiblesInternalError()
    {
        var errors = ArgumentSpecValidator.Validate(Map(("n", Map(("required", true), ("default", 1L)))), Map());

        Assert.Equal(["internal error: required and default are mutually exclusive for n"], errors);
    }

    [Theory]
    [InlineData("str", 5L, "5")]
    [InlineData("str", true, "True")]
    [InlineData("list", "a,b", "[a, b]")]
    [InlineData("list", 3L, "[3]")]
    [InlineData("int", " 42 ", "42")]
    [InlineData("float", 2L, "2.0")]
    [InlineData("bool", "on", "True")]
    [InlineData("bool", 0L, "False")]
    [InlineData("bytes", "1.5K", "1536")]
    [InlineData("bits", "2Kb", "2048")]
    [InlineData("jsonarg", " {\"a\": 1} ", "{\"a\": 1}")]
    [InlineData("raw", 7L, "7")]
    public void TryConvert_ConvertsAsCheckTypeDoes(string type, object value, string shown)
    {
        Assert.True(ArgumentTypes.TryConvert(type, value, out var result, out var why), why);

        Assert.Equal(shown, result is List<object?> list ? "[" + string.Join(", ", list.Select(Fleet.Core.Templating.Values.ToPython)) + "]" : Fleet.Core.Templating.Values.ToPython(result));
    }

    [Theory]
    [InlineData("int", 1.5, "<class 'float'> cannot be converted to an int")]
    [InlineData("bool", "maybe", "The value 'maybe' is not a valid boolean.")]
    [InlineData("bool", 2L, "The value '2' is not a valid boolean.")]
    [InlineData("dict", 3L, "<class 'int'> cannot be converted to a dict")]
    [InlineData("list", true, null)]
    public void TryConvert_RefusesWhatCheckTypeRefuses(string type, object value, string? why)
    {
        var converted = ArgumentTypes.TryConvert(type, value, out _, out var reason);

        Assert.Equal(why is null, converted);
        if (why is not null)
        {
            Assert.StartsWith(why, reason, StringComparison.Ordinal);
        }
    }
}
