using System.Globalization;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// Renders the keywords written as templates (<c>ignore_errors: "{{ ansible_check_mode }}"</c>, <c>retries: "{{ n }}"</c>) for one
/// host when its task runs, and converts them as Ansible does (a boolean from Ansible's words yes/no/true/false/on/off/1/0…, a
/// whole number from number text). One table says what each keyword is and what it sets on the task and on the blocks around it;
/// a value of the wrong type fails the task on that host, at the keyword's place.
/// </summary>
internal static class KeywordTemplates
{
    private sealed record Keyword(Func<KeywordTemplate, object, object> Convert, Func<TaskDefinition, object, TaskDefinition> OnTask, Func<Frame, object, Frame> OnFrame);

    private static readonly Dictionary<string, Keyword> Keywords = new(StringComparer.Ordinal)
    {
        ["ignore_errors"] = new(ToBool, (t, v) => t with { IgnoreErrors = (bool)v }, (f, v) => f with { IgnoreErrors = f.IgnoreErrors || (bool)v }),
        ["no_log"] = new(ToBool, (t, v) => t with { NoLog = (bool)v }, (f, v) => f with { NoLog = f.NoLog || (bool)v }),
        ["become"] = new(ToBool, (t, v) => t with { Become = (bool)v }, (f, v) => f with { Become = (bool)v }),
        ["check_mode"] = new(ToBool, (t, v) => t with { Keywords = t.Keywords with { CheckMode = (bool)v } }, (f, v) => f with { CheckMode = (bool)v }),
        ["environment"] = new(ToMap, (t, v) => t with { Keywords = t.Keywords with { Environment = Merge(t.Keywords.Environment, (IReadOnlyDictionary<string, object?>)v) } }, (f, v) => f with { Environment = Merge(f.Environment, (IReadOnlyDictionary<string, object?>)v) }),
        ["diff"] = new(ToBool, (t, v) => t with { Keywords = t.Keywords with { Diff = (bool)v } }, (f, v) => f with { Diff = (bool)v }),
        ["any_errors_fatal"] = new(ToBool, (t, v) => t with { Keywords = t.Keywords with { AnyErrorsFatal = (bool)v } }, (f, v) => f with { AnyErrorsFatal = f.AnyErrorsFatal || (bool)v }),
        ["retries"] = new(Whole(NodeReader.MaxRetries, "attempts"), (t, v) => t with { Retries = (int)(long)v }, Unchanged),
        ["delay"] = new(Whole(NodeReader.MaxSeconds, "seconds"), (t, v) => t with { Delay = TimeSpan.FromSeconds((long)v) }, Unchanged),
        ["timeout"] = new(Whole(NodeReader.MaxSeconds, "seconds"), (t, v) => t with { Timeout = TaskReader.TaskTimeout((long)v) }, Unchanged),
        ["async"] = new(Whole(NodeReader.MaxSeconds, "seconds"), (t, v) => t with { Keywords = t.Keywords with { Async = (long)v } }, Unchanged),
        ["poll"] = new(Whole(NodeReader.MaxSeconds, "seconds"), (t, v) => t with { Keywords = t.Keywords with { Poll = (long)v } }, Unchanged),
        ["run_once"] = new(ToBool, (t, v) => t with { Keywords = t.Keywords with { RunOnce = (bool)v } }, (f, v) => f with { RunOnce = (bool)v }),
        ["delegate_facts"] = new(ToBool, (t, v) => t with { Keywords = t.Keywords with { DelegateFacts = (bool)v } }, (f, v) => f with { DelegateFacts = (bool)v }),
        // Like a literal throttle, one on a block does not reach its tasks.
        ["throttle"] = new(Whole(int.MaxValue, "hosts"), (t, v) => t with { Keywords = t.Keywords with { Throttle = (int)(long)v } }, Unchanged),
    };

    /// <summary>
    /// The task and frame with every template of theirs rendered in <paramref name="scope"/> and set (the blocks' first, outermost
    /// first, then the task's); a template that cannot render, or renders to a value of the wrong type, is a located error.
    /// </summary>
    public static (TaskDefinition Task, Frame Frame) Resolve(TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        if (task.Keywords.Templates.Count == 0 && frame.Templates.Count == 0)
        {
            return (task, frame);
        }

        var resolved = frame with { Templates = [] };
        foreach (var template in frame.Templates)
        {
            if (Render(template, scope) is { } value)
            {
                resolved = Keywords[template.Keyword].OnFrame(resolved, value);
            }
        }

        foreach (var template in task.Keywords.Templates)
        {
            if (Render(template, scope) is { } value)
            {
                task = Keywords[template.Keyword].OnTask(task, value);
            }
        }

        return (task with { Keywords = task.Keywords with { Templates = [] } }, resolved);
    }

    /// <summary>
    /// The play's <c>serial</c> and <c>max_fail_percentage</c>, templates rendered when the play starts with its vars below
    /// <c>--var</c> (Ansible renders play keywords with those only); a value of the wrong type is a located error.
    /// </summary>
    public static (string? Serial, int? MaxFailPercent) ResolvePlay(Play play, IReadOnlyDictionary<string, object?> extraVars)
    {
        var (serial, maxFail) = (play.Serial, play.MaxFailPercent);
        var scope = VariableScope.Of(extraVars, play.Vars);
        foreach (var template in play.Templates)
        {
            if (Template.Render(template.Text, scope, template.Location) is not { } value)
            {
                continue;
            }

            if (template.Keyword == "serial")
            {
                serial = Fleet.Core.Serial.TryParse(Values.ToText(value), out _, out _)
                    ? Values.ToText(value)
                    : throw Wrong(template, value, "a positive number of hosts or a percentage like 25%");
            }
            else
            {
                maxFail = (int)(long)Whole(100, "percent")(template, value);
            }
        }

        return (serial, maxFail);
    }

    /// <summary>The keyword's value for this host, converted; null when the template renders to nothing (the keyword is then unset, as in Ansible).</summary>
    private static object? Render(KeywordTemplate template, IVariableLookup scope)
    {
        var keyword = Keywords.TryGetValue(template.Keyword, out var known)
            ? known
            : throw new InvalidOperationException($"keyword {template.Keyword} cannot be a template");
        var value = Template.Render(template.Text, scope, template.Location);
        return value is null ? null : keyword.Convert(template, value);
    }

    private static Frame Unchanged(Frame frame, object value) => frame;

    private static object ToMap(KeywordTemplate template, object value) =>
        value as IReadOnlyDictionary<string, object?> ?? throw Wrong(template, value, "a mapping of variable names to values");

    private static Dictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> outer, IReadOnlyDictionary<string, object?> inner)
    {
        var merged = new Dictionary<string, object?>(outer, StringComparer.Ordinal);
        foreach (var (name, value) in inner)
        {
            merged[name] = value;
        }

        return merged;
    }

    /// <summary>Ansible's <c>boolean(value, strict=True)</c>: its true and false words in any case, 1 and 0.</summary>
    private static object ToBool(KeywordTemplate template, object value) => value switch
    {
        bool b => b,
        long n and (0 or 1) => n == 1,
        double d when d is 0.0 or 1.0 => d == 1.0,
        string s => s.Trim().ToLowerInvariant() switch
        {
            "y" or "yes" or "on" or "1" or "true" or "t" => true,
            "n" or "no" or "off" or "0" or "false" or "f" => false,
            _ => throw Wrong(template, value, "true or false"),
        },
        _ => throw Wrong(template, value, "true or false"),
    };

    /// <summary>Python's <c>int(value)</c> as Ansible applies it (a float is cut to its whole part), then the keyword's range.</summary>
    private static Func<KeywordTemplate, object, object> Whole(long max, string unit) => (template, value) =>
    {
        long? number = value switch
        {
            bool b => b ? 1 : 0,
            long n => n,
            double d when !double.IsNaN(d) && Math.Abs(d) < 1e18 => (long)Math.Truncate(d),
            string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        return number is { } n2 && n2 >= 0 && n2 <= max ? n2 : throw Wrong(template, value, $"a whole number of {unit} from 0 to {max}");
    };

    private static FleetInputException Wrong(KeywordTemplate template, object value, string expected) =>
        new(template.Location, $"{template.Keyword} must be {expected}, not {Values.TypeName(value)} '{Values.ToText(value)}' (from {template.Text})");
}
