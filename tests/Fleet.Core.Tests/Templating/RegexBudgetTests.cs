using System.Diagnostics;
using Fleet.Core.Templating;

namespace Fleet.Core.Tests.Templating;

/// <summary>
/// One regular-expression time budget per render, or per command where a scope shares it (issue 22): slow patterns cannot add up
/// one limit each, and the error names the pattern that spent it.
/// </summary>
public sealed class RegexBudgetTests
{
    private const string Slow = "{{ ('a' * 40 ~ '!') | regex_search('(a+)+$') }}";

    private static readonly SourceLocation At = new("pb.yml", 3, 5);

    private static string Render(string text) => Values.ToText(Template.Render(text, VariableScope.Of(), At));

    [Fact]
    public void Render_ManySlowRegexesInOneRender_ShareOneBudget()
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<FleetInputException>(() => Render(string.Join(" ", Enumerable.Repeat(Slow, 5))));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.StartsWith("pb.yml:3:5: ", error.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Contains("the regular expression '(a+)+$' ran past the template limit of 2000 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SharedRegexTime_SlowRegexesInManyRenders_AddUpToOneBudget()
    {
        var clock = Stopwatch.StartNew();
        var refused = 0;
        using (RenderBudget.SharedRegexTime())
        {
            for (var i = 0; i < 5; i++)
            {
                refused += Assert.Throws<FleetInputException>(() => Render(Slow)).Message.Contains("ran past the template limit of", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        Assert.Equal(5, refused);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Render_AfterASpentRender_NextRenderHasItsOwnBudget()
    {
        Assert.Throws<FleetInputException>(() => Render(Slow));

        Assert.Equal("ac ['a'] True", Render("{{ 'ab' | regex_replace('b', 'c') }} {{ 'a' | regex_findall('a') }} {{ 'abc' is search('b') }}"));
    }

    [Fact]
    public void SharedRegexTime_FastRegexes_StayWithinTheBudget()
    {
        using var shared = RenderBudget.SharedRegexTime();

        for (var i = 0; i < 2000; i++)
        {
            Assert.Equal("x-y", Render("{{ 'x_y' | regex_replace('_', '-') }}"));
        }
    }

    [Fact]
    public void Test_SlowRegex_NamesTheTestAndThePattern() =>
        Assert.Contains(
            "test 'match': the regular expression '^(a|aa)+$' ran past the template limit of",
            Assert.Throws<FleetInputException>(() => Render("{{ ('a' * 60 ~ '!') is match('^(a|aa)+$') }}")).Message,
            StringComparison.Ordinal);
}
