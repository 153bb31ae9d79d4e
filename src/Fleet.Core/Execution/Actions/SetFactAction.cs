using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>set_fact</c>: sets one host variable per argument (but <c>cacheable</c>) for the rest of the run.</summary>
internal sealed class SetFactAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.SetFact;

    /// <summary>Its facts are variables already; they join the fact cache only with <c>cacheable</c>, as in Ansible.</summary>
    public override bool KeepsReturnedFacts(TaskDefinition task) =>
        task.Args.Entries.FirstOrDefault(e => e.Key == "cacheable").Value is ScalarArg { Value: { } cacheable } && Values.ToBool(cacheable) is true;

    public override TaskResult Run(ActionCall call)
    {
        var facts = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, arg) in call.Task.Args.Entries.Where(a => a.Key != "cacheable"))
        {
            if (!TaskReader.IsIdentifier(name))
            {
                throw new FleetInputException(arg.Location, $"set_fact: '{name}' is not a variable name");
            }

            // As Ansible's set_fact does: text that reads as a boolean becomes one.
            var value = call.ToValue(arg);
            facts[name] = value is string text && text.ToLowerInvariant() is "yes" or "no" or "true" or "false" ? Values.ToBool(text) : value;
        }

        call.Variables.SetFacts(facts);
        return call.Done(TaskOutcome.Ok, null, new Dictionary<string, object?>(StringComparer.Ordinal) { ["ansible_facts"] = facts });
    }
}
