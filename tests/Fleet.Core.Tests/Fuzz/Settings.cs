using System.Globalization;

namespace Fleet.Core.Tests.Fuzz;

/// <summary>The fuzz run's settings from environment variables, so CI runs the default and an engineer a longer exploration.</summary>
internal static class Settings
{
    /// <summary>The variable's integer value, or <paramref name="fallback"/> when it is unset or not an integer.</summary>
    public static int Number(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>The variable's comma-separated words (empty when unset).</summary>
    public static IReadOnlySet<string> Words(string name) =>
        (Environment.GetEnvironmentVariable(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
