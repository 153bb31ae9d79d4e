using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>A module task ready to run on one host for one item: its module, rendered arguments, the facts its planner reads, and how it runs.</summary>
internal sealed record PreparedTask(TaskDefinition Definition, Module Module, ModuleArguments Args, IReadOnlyList<Fact> Facts, ModuleContext Context)
{
    /// <summary><c>environment</c> as sh exports put before the change script, or empty.</summary>
    public string Environment { get; init; } = "";

    /// <summary>The user the change runs as when the task becomes (<see cref="Execution.BecomeUser"/>), or null for root.</summary>
    public string? BecomeUser { get; init; }

    /// <summary>The words sudo gets when the task becomes (<see cref="Execution.BecomeFlags"/>), or null for Ansible's defaults.</summary>
    public IReadOnlyList<string>? BecomeFlags { get; init; }

    /// <summary>Binds the task's arguments (those rendered to <c>omit</c> left out) in <paramref name="scope"/>.</summary>
    public static PreparedTask Bind(Module module, TaskDefinition task, Frame frame, IVariableLookup scope, ModuleContext context)
    {
        var args = ModuleArguments.Bind(module, WithoutOmitted(task.Args, scope), scope);
        return new PreparedTask(task, module, args, module.Facts(args, context), context) { Environment = Exports(task, frame, scope) };
    }

    /// <summary>Arguments without those whose template renders to <c>omit</c>.</summary>
    private static MapArg WithoutOmitted(MapArg args, IVariableLookup scope)
    {
        if (!args.Entries.Any(e => e.Value is ScalarArg { Value: { } v } && v.Contains("omit", StringComparison.Ordinal)))
        {
            return args;
        }

        return args with
        {
            Entries = args.Entries.Where(e => e.Value is not ScalarArg { Value: { } v } s || !v.Contains("omit", StringComparison.Ordinal) || !Template.HasTemplate(v)
                || Values.ToText(Template.Render(v, scope, s.Location)) != HostVariables.OmitMarker).ToList(),
        };
    }

    private static string Exports(TaskDefinition task, Frame frame, IVariableLookup scope)
    {
        var environment = frame.Environment.Concat(task.Keywords.Environment).GroupBy(kv => kv.Key).Select(g => g.Last()).ToList();
        if (environment.Count == 0)
        {
            return "";
        }

        var text = new System.Text.StringBuilder();
        foreach (var (name, value) in environment)
        {
            if (!TaskReader.IsIdentifier(name))
            {
                throw new FleetInputException(task.Location, $"environment: '{name}' is not a variable name");
            }

            text.Append("export ").Append(name).Append('=').Append(Remote.Sh.Quote(Values.ToText(Loops.Render(value, scope, task.Location)))).Append('\n');
        }

        return text.ToString();
    }
}
