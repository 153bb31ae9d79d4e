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
}
