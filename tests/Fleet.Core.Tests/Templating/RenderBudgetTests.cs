using System.Diagnostics;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>
/// The render budget (issue 22): recursion, size, loops, steps and arithmetic past their limits, and .NET failures inside
/// filters, are each one located error in Fleet's words — never a crash, a hang, gigabytes of memory, or .NET text.
/// </summary>
public sealed class RenderBudgetTests
{
    private static readonly SourceLocation At = new("pb.yml", 3, 5);

    private static FleetInputException Refused(string text, IReadOnlyDictionary<string, object?>? vars = null, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<FleetInputException>(() => Template.Render(text, VariableScope.Of(vars ?? new Dictionary<string, object?>()), At));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"took {clock.Elapsed}");
        var error = Assert.Single(ex.Errors);
        Assert.Equal(At, error.Location);
        Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
        return ex;
    }

    private static object? Rendered(string text) => Template.Render(text, VariableScope.Of(), At);

    [Theory]
    [InlineData("{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}")]
    [InlineData("{% macro f(x) %}{{ g(x) }}{% endmacro %}{% macro g(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}")]
    [InlineData("{% macro f(x) %}{% if true %}{% for i in [1] %}{{ f(x) }}{% endfor %}{% endif %}{% endmacro %}{{ f(1) }}")]
    [InlineData("{% macro f(x) %}{{ [x] | map('string') | join(f(x)) }}{% endmacro %}{{ f(1) }}")]
    public void Render_MacroCallingItself_IsLocatedDepthError(string text) =>
        Assert.Contains("templates nest deeper than the template limit of", Refused(text).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("self.j2", "{{ lookup('template', 'self.j2') }}")]
    [InlineData("self.j2", "x{% include 'self.j2' %}")]
    [InlineData("self.j2", "{% extends 'self.j2' %}")]
    [InlineData("self.j2", "{% import 'self.j2' as me %}")]
    public void RenderFile_TemplateUsingItself_IsLocatedDepthError(string name, string text)
    {
        using var files = new TempFiles();
        var path = files.Write(Path.Combine("templates", name), text);
        var vars = VariableScope.Of(new Dictionary<string, object?> { ["playbook_dir"] = files.Dir });

        var ex = Assert.Throws<FleetInputException>(() => Template.RenderFile(text, path, vars, TemplateOptions.Ansible, [Path.GetDirectoryName(path)!]));

        Assert.Contains("templates nest deeper than the template limit of", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TenThousandNestedIfs_IsLocatedSyntaxError() =>
        Assert.Contains("statements nested more than 100 levels deep",
            Refused(string.Concat(Enumerable.Repeat("{% if true %}", 10_000)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 10_000))).Message, StringComparison.Ordinal);

    [Fact]
    public void Render_ChainOf100000Variables_NamesTheChain()
    {
        var vars = new Dictionary<string, object?> { ["v0"] = 1L };
        for (var i = 1; i < 100_000; i++)
        {
            vars[$"v{i}"] = $"{{{{ v{i - 1} }}}}";
        }

        var message = Refused("{{ v99999 }}", vars, seconds: 30).Message;
        Assert.Contains("the template limit of", message, StringComparison.Ordinal);
        Assert.Contains("in variables v99999 → v99998", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ShortChain_StillRenders()
    {
        var vars = new Dictionary<string, object?> { ["v0"] = 1L };
        for (var i = 1; i < 100; i++)
        {
            vars[$"v{i}"] = $"{{{{ v{i - 1} }}}}";
        }

        Assert.Equal(1L, Template.Render("{{ v99 }}", VariableScope.Of(vars), At));
    }

    [Fact]
    public void Render_DeepChainOnASmallStack_RendersOnALargerOne()
    {
        var vars = new Dictionary<string, object?> { ["v0"] = 1L };
        for (var i = 1; i < 990; i++)
        {
            vars[$"v{i}"] = $"{{{{ v{i - 1} }}}}";
        }

        // 256 KiB cannot hold 990 levels: the render is refused there for the stack and run again on a thread with enough.
        object? result = null;
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = Template.Render("{{ v989 }}", VariableScope.Of(vars), At);
                }
                catch (FleetInputException ex)
                {
                    failure = ex;
                }
            },
            256 << 10);
        thread.Start();
        thread.Join();

        Assert.Null(failure);
        Assert.Equal(1L, result);
    }

    [Theory]
    [InlineData("{{ 'x' * 4294967296 }}", "builds a text of 4294967296 characters")]
    [InlineData("{{ 'x' * 10 ** 10 }}", "builds a text of 10000000000 characters")]
    [InlineData("{{ [1] * 10 ** 10 }}", "builds a list of 10000000000 items")]
    [InlineData("{{ 10 ** 10 * [1] }}", "builds a list of 10000000000 items")]
    [InlineData("{{ '%10000000000s' % 'x' }}", "builds a text of 10000000000 characters")]
    [InlineData("{{ 'x' | indent(10 ** 10) }}", "builds a text of 10000000000 characters")]
    [InlineData("{% set s = 'x' * 60000000 %}{{ s | replace('x', 'yy') }}", "builds a text of 120000000 characters")]
    [InlineData("{% set s = 'x' * 60000000 %}{{ [s, s] | join(',') }}", "builds a text of 120000001 characters")]
    [InlineData("{% set s = 'x' * 60000000 %}{{ s ~ s }}", "builds a text of 120000000 characters")]
    [InlineData("{% set s = 'x' * 60000000 %}{{ s + s }}", "builds a text of 120000000 characters")]
    [InlineData("{% set s = 'x' * 60000000 %}{{ '{}{}'.format(s, s) }}", "builds a text of")]
    [InlineData("{% set s = 'x' * 60000000 %}{{ [s] * 1000 }}", "builds a text of")]
    [InlineData("{% set s = 'x' * 60000000 %}{% for i in range(3) %}{{ s }}{% endfor %}", "builds a text of")]
    [InlineData("{{ {'a': 1} | to_json(indent=10 ** 10) }}", "builds a text of")]
    public void Render_ValuePastTheSizeLimit_IsRefusedBeforeItIsBuilt(string text, string message) =>
        Assert.Contains(message, Refused(text).Message, StringComparison.Ordinal);

    // Each variable renders once per render (not once per use): a text that doubles is refused by its size, one that stays
    // empty renders at once, as Jinja's result would be if it ended.
    [Fact]
    public void Render_VariablesThatDoubleAtEachLevel_RenderOnceAndAreRefusedBySize()
    {
        var text = new Dictionary<string, object?> { ["a0"] = "x" };
        var empty = new Dictionary<string, object?> { ["a0"] = "" };
        for (var i = 1; i <= 60; i++)
        {
            text[$"a{i}"] = empty[$"a{i}"] = $"{{{{ a{i - 1} }}}}{{{{ a{i - 1} }}}}";
        }

        Assert.Contains("the template limit of", Refused("{{ a60 }}", text, seconds: 10).Message, StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();
        Assert.Equal("", Template.Render("{{ a60 }}", VariableScope.Of(empty), At));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Render_NestedLoopsOfAHundredThousand_AreRefused() =>
        Assert.Contains("loops in one template run more than the template limit of 1000000 iterations",
            Refused("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("{{ 2 ** 64 }}", "'2 ** 64': a number does not fit in a 64-bit integer")]
    [InlineData("{{ 9223372036854775807 + 1 }}", "a number does not fit in a 64-bit integer")]
    [InlineData("{{ (-9223372036854775807 - 1) // -1 }}", "a number does not fit in a 64-bit integer")]
    [InlineData("{{ -(-9223372036854775807 - 1) }}", "a number does not fit in a 64-bit integer")]
    [InlineData("{{ range(-9223372036854775807 - 1, 9223372036854775807) | length }}", "range() is limited to 100000 items")]
    [InlineData("{{ (-9223372036854775807 - 1) | abs }}", "filter 'abs': a number does not fit in a 64-bit integer")]
    public void Render_IntegerPast64Bits_IsLocatedError(string text, string message) =>
        Assert.Contains(message, Refused(text).Message, StringComparison.Ordinal);

    // The expected values are what python3-jinja2 renders.
    [Theory]
    [InlineData("{{ 1 ** 9223372036854775807 }}", "1")]
    [InlineData("{{ 2 ** 62 }}", "4611686018427387904")]
    [InlineData("{{ 'ab' * 3 }}", "ababab")]
    [InlineData("{{ 2 * 'ab' }}", "abab")]
    [InlineData("{{ [1, 2] * 2 }}", "[1, 2, 1, 2]")]
    [InlineData("{{ 2 * [1] }}", "[1, 1]")]
    [InlineData("{{ 'x' * -1 }}|", "|")]
    [InlineData("{{ 'x' * True }}", "x")]
    [InlineData("{{ (-9223372036854775807 - 1) % -1 }}", "0")]
    [InlineData("{{ 'a\nb' | indent(-5) }}", "a\nb")]
    [InlineData("{{ {'a': [1]} | to_nice_json(indent=-1) }}", "{\n\"a\": [\n1\n]\n}")]
    [InlineData("{{ 'a' | comment(prefix_count=-3) }}", "# a\n#")]
    [InlineData("{{ 'a' | comment(newline='') }}", "###a##")]
    public void Render_AsPythonJinja(string text, string expected) =>
        Assert.Equal(expected, Values.ToPython(Rendered(text)));

    [Theory]
    [InlineData("{{ [1, 'a'] | sort }}", "filter 'sort': '<' not supported between instances of")]
    [InlineData("{{ '%d %d' | format(1) }}", "not enough arguments for format string")]
    [InlineData("{{ '%d' % 'x' }}", "%d format: a real number is required, not str")]
    [InlineData("{{ '{0} {1}'.format(1) }}", "Replacement index 1 out of range")]
    [InlineData("{{ 'a{'.format(1) }}", "Single '{' encountered in format string")]
    [InlineData("{{ 10 is divisibleby 0 }}", "test 'divisibleby': integer division or modulo by zero")]
    [InlineData("{{ 'abc' | b64decode }}", "filter 'b64decode': the text is not valid base64")]
    [InlineData("{{ '{bad' | from_json }}", "from_json: the text is not valid JSON")]
    [InlineData("{{ 'a' | regex_replace('(', 'b') }}", "filter 'regex_replace': invalid regular expression")]
    [InlineData("{{ 'x' | password_hash('sha512', 'salt', rounds=5) }}", "rounds must be from 1000 to 999999999")]
    public void Render_FilterFailure_IsFleetsOwnSentence(string text, string message)
    {
        var ex = Assert.Throws<FleetInputException>(() => Rendered(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RegexPastItsTimeLimit_IsLocatedError() =>
        Assert.Contains("filter 'regex_search': the regular expression '(a+)+$' ran past the template limit of 2000 ms of regular-expression matching in one render",
            Refused("{{ 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' | regex_search('(a+)+$') }}", seconds: 30).Message, StringComparison.Ordinal);

    [Fact]
    public void Render_TagPastTheTokenLimit_IsLocatedSyntaxError() =>
        Assert.Contains("more than 5000 tokens", Refused("x {{ " + string.Concat(Enumerable.Repeat("1 + ", 3000)) + "1 }}").Message, StringComparison.Ordinal);

    [Fact]
    public void Parse_HundredThousandExpressions_IsLinear()
    {
        var clock = Stopwatch.StartNew();
        var text = string.Concat(Enumerable.Repeat("{{ x }},", 100_000));
        var result = Template.Render(text, VariableScope.Of(new Dictionary<string, object?> { ["x"] = 1L }), At);
        Assert.Equal(200_000, ((string)result!).Length);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ExpressionWithTemplateDelimiters_GetsAnsiblesHint()
    {
        var ex = Assert.Throws<FleetInputException>(() => ExpressionParser.Parse("{{ foo }} == 1", At));
        Assert.Contains("conditional statements should not include jinja2 templating delimiters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordHash_WhileValidating_IsNotComputed()
    {
        var clock = Stopwatch.StartNew();
        using (RenderBudget.Validation())
        {
            Assert.StartsWith("$6$rounds=999999999$salt$", (string)Rendered("{{ 'x' | password_hash('sha512', 'salt', rounds=999999999) }}")!, StringComparison.Ordinal);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Limits_FromEnvironment_SetsTheSizeInMebibytes()
    {
        Assert.Equal(16L << 20, RenderLimits.FromEnvironment("16").MaxTextLength);
        Assert.Equal(64L << 20, RenderLimits.FromEnvironment("lots").MaxTextLength);
        Assert.Equal(64L << 20, RenderLimits.FromEnvironment(null).MaxTextLength);
    }
}
