using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>debug</c>: shows a message, or a variable's (an expression's) value; sets nothing.</summary>
internal sealed class DebugAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.Debug;

    /// <summary>Its result's facts are only shown.</summary>
    public override bool KeepsReturnedFacts(TaskDefinition task) => false;

    public override TaskResult Run(ActionCall call)
    {
        // As Ansible's debug action: both is a failure of the task, and a verbosity above the run's skips it.
        if (call.Has("var") && call.Has("msg"))
        {
            return call.Done(TaskOutcome.Failed, "'msg' and 'var' are incompatible options", new Dictionary<string, object?>(StringComparer.Ordinal));
        }

        var wanted = call.Has("verbosity") ? Verbosity(call.Value("verbosity")) : 0;
        if (wanted < 0)
        {
            return call.Done(TaskOutcome.Failed, $"verbosity must be a whole number, not '{ActionCall.Display(call.Value("verbosity"))}'", new Dictionary<string, object?>(StringComparer.Ordinal));
        }

        if (wanted > call.Verbosity)
        {
            return call.Done(TaskOutcome.Skipped, "Verbosity threshold not met.", new Dictionary<string, object?>(StringComparer.Ordinal) { ["skipped_reason"] = "Verbosity threshold not met." });
        }

        if (call.Has("var"))
        {
            var expression = Values.ToText(call.Value("var"));
            object? value;
            try
            {
                value = ExpressionParser.Parse(expression, call.Task.Location).Value(call.Scope);
            }
            catch (UndefinedVariableException)
            {
                value = "VARIABLE IS NOT DEFINED!";
            }

            return call.Done(TaskOutcome.Ok, $"{expression}: {ActionCall.Display(value)}", new Dictionary<string, object?>(StringComparer.Ordinal) { [expression] = value });
        }

        var msg = call.Has("msg") ? call.Value("msg") : "Hello world!";
        return call.Done(TaskOutcome.Ok, ActionCall.Display(msg), new Dictionary<string, object?>(StringComparer.Ordinal) { ["msg"] = msg });
    }

    /// <summary>The verbosity asked for, or -1 when it is not a whole number (which fails the task as Ansible's int() does).</summary>
    private static int Verbosity(object? value) => value switch
    {
        long n when n is >= 0 and <= 100 => (int)n,
        string s when int.TryParse(s.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => value is long and > 100 ? 100 : -1,
    };
}
