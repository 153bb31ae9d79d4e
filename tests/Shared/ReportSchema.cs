using System.Text.Json;
using Json.Schema;

namespace Fleet.Tests;

/// <summary>
/// The published contract of the JSON report, <c>docs/fleet-report.schema.json</c>, checked with a real JSON Schema 2020-12
/// validator: every JSON report a test writes goes through <see cref="AssertValid"/> or <see cref="AssertValidFile"/>.
/// </summary>
internal static class ReportSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "fleet-report.schema.json")));

    /// <summary>Where <paramref name="json"/> breaks the schema, one line per problem; empty when it conforms.</summary>
    public static IReadOnlyList<string> Problems(string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid)
        {
            return [];
        }

        var problems = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .ToList();
        return problems.Count > 0 ? problems : ["invalid, without details"];
    }

    /// <summary>Fails the test unless the report text conforms to the schema.</summary>
    public static void AssertValid(string json)
    {
        var problems = Problems(json);
        Assert.True(problems.Count == 0, "the report does not match docs/fleet-report.schema.json:\n" + string.Join("\n", problems) + "\n" + json);
    }

    /// <summary>Reads a report file (from <c>--json</c>) and fails the test unless it conforms to the schema.</summary>
    public static void AssertValidFile(string path) => AssertValid(File.ReadAllText(path));
}
