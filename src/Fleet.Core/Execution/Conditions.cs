using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>A task's conditions as Ansible evaluates them: <c>when</c> (its blocks' first), <c>changed_when</c>, <c>failed_when</c>, <c>until</c>.</summary>
internal static class Conditions
{
    /// <summary>A condition's value; an undefined variable is the task's error, as in Ansible.</summary>
    public static bool Evaluate(Expression condition, IVariableLookup variables)
    {
        try
        {
            return condition.Evaluate(variables);
        }
        catch (UndefinedVariableException ex)
        {
            throw new FleetInputException($"condition '{condition.Text}': {ex.Message}");
        }
    }

    /// <summary>The text of the first condition (blocks' first, then the task's) that is false, or null when all hold.</summary>
    public static string? FirstFalse(TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        foreach (var condition in task.When is null ? frame.Conditions : [.. frame.Conditions, task.When])
        {
            if (!Evaluate(condition, scope))
            {
                return condition.Text;
            }
        }

        return null;
    }

    /// <summary>Whether <c>until</c> holds on the task's result.</summary>
    public static bool Until(TaskDefinition task, Expression until, IVariableLookup scope, TaskResult result) =>
        Evaluate(until, WithResult(task, scope, result));

    /// <summary>Applies <c>changed_when</c> and <c>failed_when</c> to a result, as Ansible does (changed first).</summary>
    public static TaskResult Conclude(TaskDefinition task, IVariableLookup scope, TaskResult result)
    {
        if (result.Status == TaskOutcome.Skipped || (task.Keywords.ChangedWhen is null && task.Keywords.FailedWhen is null))
        {
            return result;
        }

        var changed = result.Status == TaskOutcome.Changed || (result.Result.TryGetValue("changed", out var c) && c is true);
        var failed = result.Status == TaskOutcome.Failed;
        var withResult = WithResult(task, scope, result);
        if (task.Keywords.ChangedWhen is { } changedWhen)
        {
            changed = Evaluate(changedWhen, withResult);
        }

        if (task.Keywords.FailedWhen is { } failedWhen)
        {
            failed = Evaluate(failedWhen, withResult);
        }

        var status = failed ? TaskOutcome.Failed : changed ? TaskOutcome.Changed : TaskOutcome.Ok;
        var updated = new Dictionary<string, object?>(result.Result, StringComparer.Ordinal) { ["changed"] = changed, ["failed"] = failed };
        var message = failed && result.Status != TaskOutcome.Failed ? $"failed_when is true: {task.Keywords.FailedWhen?.Text}" : result.Message;
        if (failed && task.Keywords.FailedWhen is not null)
        {
            updated["failed_when_result"] = true;
        }

        return result with { Status = status, Message = message, Result = updated, Changes = changed ? result.Changes : [] };
    }

    /// <summary>The scope with the task's own result under its register name (what changed_when, failed_when and until read).</summary>
    private static ResultScope WithResult(TaskDefinition task, IVariableLookup scope, TaskResult result) =>
        new(scope, task.Keywords.Register, TaskResults.Registered(result.Result));

    /// <summary>A scope with one result variable on top (the registered name) and, for a task without register, nothing more.</summary>
    private sealed class ResultScope(IVariableLookup inner, string? name, IReadOnlyDictionary<string, object?> result) : IVariableLookup
    {
        public bool TryGet(string variable, out object? value)
        {
            if (variable == name)
            {
                value = result;
                return true;
            }

            return inner.TryGet(variable, out value);
        }

        public IEnumerable<string> Names => name is null ? inner.Names : inner.Names.Append(name);
    }
}
