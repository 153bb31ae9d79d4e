using System.Globalization;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Users;

/// <summary>
/// <c>group</c> (ansible.builtin.group): a local group. A missing group is created with <c>groupadd</c>, an existing one's gid
/// changed with <c>groupmod -g</c> when it differs, <c>state: absent</c> runs <c>groupdel</c>; <c>system</c> only applies on creation.
/// </summary>
public sealed class GroupModule : Module
{
    /// <inheritdoc />
    public override string Name => "group";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("name", ParameterType.String, "The group name.", Required: true),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("gid", ParameterType.Int, "The group id. The default is the next free id (new groups) or the current one."),
        new("system", ParameterType.Bool, "Create a system group (groupadd -r); only applies when the group is created. The default value is false."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new GroupsFact()];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var name = args.GetRequiredString("name");
        if (!UserModule.IsValidName(name))
        {
            return new PlanFailure($"invalid group name '{name}'");
        }

        var groups = facts.Get(new GroupsFact());
        var existing = groups.Groups.FirstOrDefault(g => g.Name == name);
        var gid = args.GetInt("gid");
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = name, ["state"] = args.GetString("state") ?? "present" };
        if (args.GetString("state") == "absent")
        {
            return existing is null
                ? new NoChange($"group {name} does not exist") { Data = data }
                : new Change([$"group {name} removed"], $"set -e\ngroupdel -- {Sh.Quote(name)}\n", [Subject.Group(name)]) { Data = data };
        }

        if (existing is null)
        {
            var command = new List<string> { "groupadd" };
            if (gid is { } id)
            {
                command.AddRange(["-g", Text(id)]);
            }

            if (args.GetBool("system", false))
            {
                command.Add("-r");
            }

            command.AddRange(["--", name]);
            var detail = gid is { } g ? $" (gid {Text(g)})" : "";
            return new Change([$"group {name} created{detail}"], "set -e\n" + Sh.Command(command) + "\n", [Subject.Group(name)]) { Data = data };
        }

        data["gid"] = existing.Gid;
        if (gid is { } wanted && wanted != existing.Gid)
        {
            // groupmod -g also moves the users whose primary group this is: their passwd entries change too.
            return new Change(
                [$"group {name}: gid {Text(existing.Gid)} → {Text(wanted)}"],
                $"set -e\ngroupmod -g {Text(wanted)} -- {Sh.Quote(name)}\n",
                [Subject.Group(name), Subject.User(null)]) { Data = data };
        }

        return new NoChange($"group {name} already as desired") { Data = data };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
