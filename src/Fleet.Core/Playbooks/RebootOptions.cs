using System.Globalization;
using Fleet.Core.Templating;
using Fleet.Core.Yaml;

namespace Fleet.Core.Playbooks;

/// <summary>
/// The arguments of <c>reboot</c>, with Ansible's defaults and conversions (ansible.builtin.reboot, Linux): read from the rendered
/// values when the task runs; the values written without a template are checked by the validator with the same rules.
/// </summary>
public sealed record RebootOptions
{
    /// <summary>Ansible's search paths for a reboot command given without a directory.</summary>
    public static readonly IReadOnlyList<string> DefaultSearchPaths = ["/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin"];

    /// <summary>Seconds to wait for the host to come back with a new boot id, then as long again for the test command to pass. The default value is 600.</summary>
    public int RebootTimeout { get; init; } = 600;

    /// <summary>Seconds one connection attempt may take while the host comes back, or null for the transport's own limit. The default value is null.</summary>
    public int? ConnectTimeout { get; init; }

    /// <summary>Seconds before the reboot, passed to shutdown in whole minutes (under 60 is 0), as Ansible does on Linux; negative is 0. The default value is 0.</summary>
    public int PreRebootDelay { get; init; }

    /// <summary>Seconds to wait after the reboot command before checking that the host is back; negative is 0. The default value is 0.</summary>
    public int PostRebootDelay { get; init; }

    /// <summary>The message shutdown broadcasts. The default value is "Reboot initiated by Ansible".</summary>
    public string Message { get; init; } = "Reboot initiated by Ansible";

    /// <summary>The command that must succeed on the rebooted host. The default value is whoami.</summary>
    public string TestCommand { get; init; } = "whoami";

    /// <summary>The command whose output changes with every boot. The default value is cat /proc/sys/kernel/random/boot_id.</summary>
    public string BootTimeCommand { get; init; } = "cat /proc/sys/kernel/random/boot_id";

    /// <summary>Where to look for the reboot command's program when it has no directory. The default value is <see cref="DefaultSearchPaths"/>.</summary>
    public IReadOnlyList<string> SearchPaths { get; init; } = DefaultSearchPaths;

    /// <summary>The command that reboots: a program and its arguments as shell text, or null for <c>shutdown -r MINUTES MESSAGE</c>. The default value is null.</summary>
    public string? RebootCommand { get; init; }

    /// <summary>The program of the reboot command: the first word of <see cref="RebootCommand"/>, else shutdown.</summary>
    public string Program => RebootCommand is { } command ? command.Split(' ', 2)[0] : "shutdown";

    /// <summary>The reboot command's arguments as shell text: those written after its program, else <c>-r MINUTES 'MESSAGE'</c> (quoted).</summary>
    public string Arguments => RebootCommand is { } command
        ? command.Split(' ', 2) is [_, var rest] ? rest : ""
        : string.Create(CultureInfo.InvariantCulture, $"-r {PreRebootDelay / 60} {ShellWord.Quote(Message)}");

    /// <summary>Reads the options from the task's rendered values (a name absent is null); the first invalid one throws, located by <paramref name="where"/>.</summary>
    public static RebootOptions Read(Func<string, object?> value, Func<string, SourceLocation?> where)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(where);
        foreach (var name in Checks.Keys)
        {
            if (value(name) is { } given && Checks[name](given) is { } error)
            {
                throw new FleetInputException(where(name), "reboot: " + error);
            }
        }

        var options = new RebootOptions();
        return options with
        {
            RebootTimeout = value("reboot_timeout") is { } timeout ? Integer(timeout)!.Value : options.RebootTimeout,
            ConnectTimeout = value("connect_timeout") is { } connect ? Integer(connect) : null,
            PreRebootDelay = value("pre_reboot_delay") is { } pre ? Math.Max(0, Integer(pre)!.Value) : 0,
            PostRebootDelay = value("post_reboot_delay") is { } post ? Math.Max(0, Integer(post)!.Value) : 0,
            Message = value("msg") is { } msg ? Values.ToText(msg) : options.Message,
            TestCommand = value("test_command") is { } test ? Values.ToText(test) : options.TestCommand,
            BootTimeCommand = value("boot_time_command") is string boot && boot.Length > 0 ? boot : options.BootTimeCommand,
            SearchPaths = value("search_paths") is { } paths ? List(paths)! : options.SearchPaths,
            RebootCommand = value("reboot_command") as string,
        };
    }

    /// <summary>The validator's check of a reboot task: every value written without a template, by the rules the run applies.</summary>
    public static IEnumerable<InputError> Check(MapArg args)
    {
        ArgumentNullException.ThrowIfNull(args);
        foreach (var (name, arg) in args.Entries)
        {
            if (Checks.TryGetValue(name, out var check) && Literal(arg) is { } value && check(value) is { } error)
            {
                yield return new InputError(arg.Location, "reboot: " + error);
            }
        }
    }

    /// <summary>Each parameter's rule on a given value: the error, or null when Ansible takes it.</summary>
    private static readonly Dictionary<string, Func<object, string?>> Checks = new(StringComparer.Ordinal)
    {
        ["reboot_timeout"] = v => Integer(v) is null ? $"reboot_timeout must be a whole number of seconds, got {Values.Repr(v)}" : null,
        ["connect_timeout"] = v => Integer(v) is null ? $"connect_timeout must be a whole number of seconds, got {Values.Repr(v)}" : null,
        ["pre_reboot_delay"] = v => Integer(v) is null ? $"pre_reboot_delay must be a whole number of seconds, got {Values.Repr(v)}" : null,
        ["post_reboot_delay"] = v => Integer(v) is null ? $"post_reboot_delay must be a whole number of seconds, got {Values.Repr(v)}" : null,
        ["boot_time_command"] = v => v is string ? null : $"Invalid value given for 'boot_time_command': {Values.Repr(v)} is not a string",
        ["reboot_command"] = v => v is string ? null : $"Invalid value given for 'reboot_command': {Values.Repr(v)} is not a string",
        ["search_paths"] = v => List(v) is null ? $"'search_paths' must be a string or flat list of strings, got {Values.Repr(v)}" : null,
    };

    /// <summary>Python's <c>int()</c> on a number or numeric text (a float is truncated), or null.</summary>
    private static int? Integer(object value) => value switch
    {
        long n and >= int.MinValue and <= int.MaxValue => (int)n,
        double d when d is >= int.MinValue and <= int.MaxValue => (int)d,
        string s when int.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>Ansible's <c>check_type_list</c>: a list of scalars, text split at commas, a number as one item; null otherwise.</summary>
    private static IReadOnlyList<string>? List(object value) => value switch
    {
        string s => s.Split(','),
        long or double => [Values.ToText(value)],
        IReadOnlyList<object?> items when items.All(i => i is string or long or double or bool) => items.Select(Values.ToText).ToList(),
        _ => null,
    };

    /// <summary>A value written without a template (as the run reads it), or null when it has one or is null.</summary>
    private static object? Literal(ArgValue arg) => arg switch
    {
        ScalarArg { Value: var text } when Template.HasTemplate(text) => null,
        ScalarArg { Quoted: true, Value: var text } => text ?? "",
        ScalarArg s => YamlFile.Scalar(s.Value),
        ListArg list when list.Items.All(i => i is ScalarArg { Value: var v } && !Template.HasTemplate(v)) => list.Items.Select(i => Literal(i)).ToList(),
        MapArg map when map.Entries.All(e => e.Value is ScalarArg { Value: var v } && !Template.HasTemplate(v)) => map.Entries.ToDictionary(e => e.Key, e => Literal(e.Value), StringComparer.Ordinal),
        _ => null,
    };
}
