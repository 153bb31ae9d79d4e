using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Results;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution.Actions;

/// <summary><c>set_fact</c>: sets one host variable per argument (but <c>cacheable</c>) for the rest of the run; a templated name is rendered first.</summary>
internal sealed class SetFactAction : TaskAction
{
    public override ActionSpec Spec => ActionSpec.SetFact;

    /// <summary>Its facts are variables already; they join the fact cache only with <c>cacheable</c>, as in Ansible.</summary>
    public override bool KeepsReturnedFacts(TaskDefinition task) =>
        task.Args.Entries.FirstOrDefault(e => e.Key == "cacheable").Value is ScalarArg { Value: { } cacheable } && Values.ToBool(cacheable) is true;

    public override TaskResult Run(ActionCall call)
    {
        var facts = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, arg) in call.Task.Args.Entries.Where(a => a.Key != "cacheable"))
        {
            // As Ansible's set_fact does, a name such as "{{ item.key }}" is rendered per item and must then be a variable name.
            var name = Template.HasTemplate(key) ? ActionCall.Display(Template.Render(key, call.Scope, arg.Location)) : key;
            if (Template.HasTemplate(key) && !TaskReader.IsIdentifier(name))
            {
                return call.Done(TaskOutcome.Failed, $"The variable name '{name}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.", ModuleResult.NoData);
            }

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
