namespace Fleet.Core.Templating;

public static partial class Tests
{
    /// <summary>Ansible's tests of a registered task result: <c>changed</c>, <c>failed</c>, <c>skipped</c>, <c>succeeded</c> and their other spellings.</summary>
    private static class TaskResults
    {
        public static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
        {
            ["changed"] = (v, _) => ResultFlag(v, "changed", "changed"),
            ["change"] = (v, _) => ResultFlag(v, "changed", "change"),
            ["failed"] = (v, _) => ResultFlag(v, "failed", "failed"),
            ["failure"] = (v, _) => ResultFlag(v, "failed", "failure"),
            ["skipped"] = (v, _) => ResultFlag(v, "skipped", "skipped"),
            ["skip"] = (v, _) => ResultFlag(v, "skipped", "skip"),
            ["succeeded"] = (v, _) => !ResultFlag(v, "failed", "succeeded"),
            ["success"] = (v, _) => !ResultFlag(v, "failed", "success"),
            ["successful"] = (v, _) => !ResultFlag(v, "failed", "successful"),
            ["unreachable"] = (v, _) => ResultFlag(v, "unreachable", "unreachable"),
            ["reachable"] = (v, _) => !ResultFlag(v, "unreachable", "reachable"),
            ["finished"] = (v, _) => AsyncFlag(v, "finished"),
            ["started"] = (v, _) => AsyncFlag(v, "started"),
        };

        // An async job's status is 0 or 1; a result without it (not an async task) counts as started and finished, as Ansible says.
        private static bool AsyncFlag(object? value, string key) =>
            value is IReadOnlyDictionary<string, object?> result
                ? !result.TryGetValue(key, out var flag) || Values.Equal(flag, 1L)
                : throw new FleetInputException($"the '{key}' test takes a registered task result, not {Values.ToText(value)}");

        /// <summary>A flag of a registered result (<c>changed</c>, <c>failed</c>, <c>skipped</c>); anything but a result is an error, as in Ansible.</summary>
        private static bool ResultFlag(object? value, string key, string test) =>
            value is IReadOnlyDictionary<string, object?> result
                ? result.TryGetValue(key, out var flag) && Values.Truthy(flag)
                : throw new FleetInputException($"the '{test}' test takes a registered task result, not {Values.ToText(value)}");
    }
}
