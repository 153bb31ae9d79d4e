namespace Fleet.Core.Results;

/// <summary>
/// A task's result in Ansible's shape: <c>changed</c>, <c>failed</c>, <c>msg</c>, <c>rc</c>, <c>stdout</c>, <c>stderr</c> (when a
/// script ran), plus the module's own data (<c>ports</c>, <c>packages</c>, <c>hardening_index</c>…). Reports carry it; <c>register</c>
/// exposes it.
/// </summary>
public static class ModuleResult
{
    /// <summary>No module data.</summary>
    public static IReadOnlyDictionary<string, object?> NoData { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>
    /// The result of one task; the module's data cannot overwrite the common keys, except that a failed module may say it changed
    /// something anyway (<c>changed: true</c>, as Ansible's command does when the command ran and failed).
    /// </summary>
    public static IReadOnlyDictionary<string, object?> Build(TaskOutcome status, string? message, CommandResult? command, IReadOnlyDictionary<string, object?> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var result = new Dictionary<string, object?>(data, StringComparer.Ordinal)
        {
            ["changed"] = status == TaskOutcome.Changed || (status == TaskOutcome.Failed && data.TryGetValue("changed", out var changed) && changed is true),
            ["failed"] = status == TaskOutcome.Failed,
            ["skipped"] = status == TaskOutcome.Skipped,
        };
        if (message is not null)
        {
            result["msg"] = message;
        }

        if (command is not null)
        {
            result["rc"] = (long)command.ExitCode;
            result["stdout"] = command.Stdout.TrimEnd('\n');
            result["stderr"] = command.Stderr.TrimEnd('\n');
            result["stdout_lines"] = Lines(command.Stdout);
            result["stderr_lines"] = Lines(command.Stderr);
        }

        return result;
    }

    /// <summary>Ansible's <c>stdout_lines</c>: the output split into lines, without the last newline.</summary>
    public static IReadOnlyList<object?> Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimEnd('\n');
        return trimmed.Length == 0 ? [] : trimmed.Split('\n').Select(l => (object?)l.TrimEnd('\r')).ToList();
    }
}
