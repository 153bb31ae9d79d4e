using System.Text.RegularExpressions;

namespace Fleet.Core.Templating;

/// <summary>Jinja's tests and Ansible's (<c>version</c>, <c>match</c>/<c>search</c>/<c>regex</c>, <c>truthy</c>, <c>subset</c>, …).</summary>
public static partial class Tests
{
    private delegate bool Test(object? value, FilterCall call);

    // Each family lists its tests in its own file (Tests.<Family>.cs): a new test is one entry there, a new family one name here.
    private static readonly Dictionary<string, Test> Catalog = FamilyTables.Join<Test>("test", Types.All, Comparisons.All, Collections.All, Regexes.All, Versions.All, TaskResults.All, Paths.All, Uris.All);

    /// <summary>True for a test Fleet implements (<c>defined</c>/<c>undefined</c> are handled by the expression).</summary>
    public static bool Known(string name) => Catalog.ContainsKey(name) || name is "defined" or "undefined";

    /// <summary>Every test name, for messages and documentation.</summary>
    public static IEnumerable<string> Names => Catalog.Keys.Append("defined").Append("undefined").Order(StringComparer.Ordinal);

    /// <summary>Applies the test <paramref name="name"/> to <paramref name="value"/>.</summary>
    public static bool Apply(string name, object? value, FilterCall call)
    {
        if (name is "defined" or "undefined")
        {
            return name == "defined";
        }

        var test = Catalog.GetValueOrDefault(name) ?? throw Filters.Error($"unknown test '{name}'");
        FleetInputException failure;
        try
        {
            return test(value, call);
        }
        catch (Exception ex) when (Filters.IsComputationFailure(ex))
        {
            // As for filters: .NET's exceptions become Fleet's sentences at the boundary of every test.
            failure = Filters.Error($"test '{name}': {Filters.Failure(ex)}");
        }

        throw failure;
    }
}
