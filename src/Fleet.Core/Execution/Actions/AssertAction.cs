using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>assert</c>: fails the task at the first condition of <c>that</c> that is false; sets nothing.</summary>
internal sealed class AssertAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.Assert;

    public override TaskResult Run(ActionCall call)
    {
        var that = call.Value("that") switch
        {
            IReadOnlyList<object?> list => list.Select(Values.ToText).ToList(),
            var one => [Values.ToText(one)],
        };
        foreach (var condition in that)
        {
            var parsed = ExpressionParser.Parse(condition, call.Task.Args["that"]!.Location);
            if (!Conditions.Evaluate(parsed, call.Scope))
            {
                var failMsg = call.Value("fail_msg") ?? call.Value("msg") ?? "Assertion failed";
                return call.Done(TaskOutcome.Failed, ActionCall.Display(failMsg), new Dictionary<string, object?>(StringComparer.Ordinal) { ["assertion"] = condition, ["evaluated_to"] = false });
            }
        }

        return call.Done(TaskOutcome.Ok, ActionCall.Display(call.Value("success_msg") ?? "All assertions passed"), ModuleResult.NoData);
    }
}
