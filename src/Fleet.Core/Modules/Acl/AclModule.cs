using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Acl;

/// <summary>
/// <c>acl</c> (ansible.posix.acl): one POSIX ACL entry of a path set, removed or queried with <c>setfacl</c>/<c>getfacl</c> on the
/// host, with Ansible's commands; changed exactly when <c>setfacl --test</c> says the entry changes something. NFSv4 ACLs are refused.
/// </summary>
public sealed class AclModule : Module
{
    /// <inheritdoc />
    public override string Name => "acl";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("path", ParameterType.String, "The file or directory whose ACL is managed.", Required: true, Aliases: ["name"], HostPath: true),
        new("entity", ParameterType.String, "The user or group the entry is about (empty for other and mask). The default value is empty."),
        new("etype", ParameterType.String, "The entry's type. Required with present and absent unless entry is given.", Choices: ["group", "mask", "other", "user"]),
        new("permissions", ParameterType.String, "The entry's permissions, as setfacl takes them (r, w, x, X in any order). Required with present."),
        new("entry", ParameterType.String, "The whole entry as etype:entity:permissions (with a d[efault]: prefix for a default ACL), instead of the three above."),
        new("state", ParameterType.String, "present, absent, or query (only reads the ACL). The default value is query.", Choices: ["absent", "present", "query"]),
        new("default", ParameterType.Bool, "Manage the directory's default ACL (what new files inside inherit). The default value is false."),
        new("recursive", ParameterType.Bool, "Apply to everything under the path too (not with query). The default value is false.", Aliases: ["recurse"]),
        new("follow", ParameterType.Bool, "Follow symbolic links (false passes --physical). The default value is true."),
        new("recalculate_mask", ParameterType.String, "default (setfacl's own rule), mask (always recalculate the mask) or no_mask (never). The default value is default.",
            Choices: ["default", "mask", "no_mask"]),
        new("use_nfsv4_acls", ParameterType.Bool, "NFSv4 ACLs: not implemented by Fleet, true is refused. The default value is false."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Request(args) is { } request ? [request.Fact] : [];
    }

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        return Invalid(args) is { } problem ? new PlanFailure(problem) : Plan(Request(args)!, facts.Get(Request(args)!.Fact));
    }

    /// <summary>The plan from the path's ACL as it is (pure).</summary>
    public static TaskPlan Plan(AclRequest request, AclState state)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Exists)
        {
            return new PlanFailure("Path not found or not accessible.");
        }

        if (state.Error is not null)
        {
            return new PlanFailure(state.Error);
        }

        var message = request.State switch { "present" => $"{request.Entry} is present", "absent" => $"{request.Entry} is absent", _ => "current acl" };
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["acl"] = state.Entries.ToList<object?>(), ["msg"] = message };
        if (request.Command is null || !state.WouldChange)
        {
            return new NoChange(request.Command is null ? $"{request.Path}: ACL read" : $"{request.Path}: {message}") { Data = data };
        }

        // As Ansible: a removal that setfacl refuses is not a failure; the ACL read afterwards is the result.
        var script = $"{request.Command}{(request.State == "absent" ? " || true" : "")}\n{request.Fact.GetCommand}\n";
        var change = request.State == "present" ? $"{request.Path}: ACL entry {request.Entry} set" : $"{request.Path}: ACL entry {request.Entry} removed";
        return new Change([change], script, [request.Recursive ? Subject.Tree(request.Path) : Subject.Path(request.Path)]) { Data = data };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            return new ChangeOutcome(TaskOutcome.Failed, FailureText(result));
        }

        // Ansible returns the ACL as it is after the change.
        return new ChangeOutcome(TaskOutcome.Changed) { Data = new Dictionary<string, object?>(change.Data, StringComparer.Ordinal) { ["acl"] = AclFact.Lines(result.Stdout).ToList<object?>() } };
    }

    /// <summary>Ansible's argument errors, checked in its order, or null when the arguments are fine.</summary>
    public static string? Invalid(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.GetBool("use_nfsv4_acls", false))
        {
            return "use_nfsv4_acls: true is not implemented by Fleet (POSIX ACLs only)";
        }

        var state = args.GetString("state") ?? "query";
        var entry = args.GetString("entry");
        if (state == "query" && args.GetBool("recursive", false))
        {
            return "'recursive' MUST NOT be set when 'state=query'.";
        }

        if (state == "query" && args.GetString("recalculate_mask") is "mask" or "no_mask")
        {
            return "'recalculate_mask' MUST NOT be set to 'mask' or 'no_mask' when 'state=query'.";
        }

        if (string.IsNullOrEmpty(entry))
        {
            return state == "absent" && !string.IsNullOrEmpty(args.GetString("permissions")) ? "'permissions' MUST NOT be set when 'state=absent'."
                : state == "absent" && string.IsNullOrEmpty(args.GetString("entity")) ? "'entity' MUST be set when 'state=absent'."
                : state is "present" or "absent" && string.IsNullOrEmpty(args.GetString("etype")) ? $"'etype' MUST be set when 'state={state}'."
                : null;
        }

        var colons = entry.Count(c => c == ':');
        return !string.IsNullOrEmpty(args.GetString("etype")) || !string.IsNullOrEmpty(args.GetString("entity")) || !string.IsNullOrEmpty(args.GetString("permissions"))
                ? "'entry' MUST NOT be set when 'entity', 'etype' or 'permissions' are set."
            : state == "present" && colons is not (2 or 3) ? "'entry' MUST have 3 or 4 sections divided by ':' when 'state=present'."
            : state == "absent" && colons is not (1 or 2) ? "'entry' MUST have 2 or 3 sections divided by ':' when 'state=absent'."
            : state == "query" ? "'entry' MUST NOT be set when 'state=query'."
            : SplitEntry(entry) is null ? $"'entry' is not an ACL entry: {entry}"
            : null;
    }

    /// <summary>The task's request with Ansible's commands, or null when the arguments are invalid (see <see cref="Invalid"/>).</summary>
    public static AclRequest? Request(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (Invalid(args) is not null)
        {
            return null;
        }

        var path = args.GetRequiredString("path");
        var state = args.GetString("state") ?? "query";
        var (etype, entity, permissions, isDefault) = (args.GetString("etype"), args.GetString("entity") ?? "", args.GetString("permissions"), args.GetBool("default", false));
        if (args.GetString("entry") is { Length: > 0 } entry)
        {
            var split = SplitEntry(entry)!.Value;
            (etype, entity, permissions) = (split.Etype, split.Entity, split.Permissions);
            isDefault = split.Default ?? isDefault;
        }

        var (follow, recursive, mask) = (args.GetBool("follow", true), args.GetBool("recursive", false), args.GetString("recalculate_mask") ?? "default");
        var built = state == "present" ? $"{etype}:{entity}" + (string.IsNullOrEmpty(permissions) ? "" : ":" + permissions)
            : state == "absent" ? $"{etype}:{entity}"
            : null;
        var command = built is null ? null : Command(state == "present" ? "-m" : "-x", built, path, follow, isDefault, recursive, mask);
        var get = Command(null, null, path, follow, isDefault, recursive, mask);
        var test = command is null ? null : Command(state == "present" ? "-m" : "-x", built, path, follow, isDefault, recursive, mask, test: true);
        return new AclRequest(path, state, built, recursive, command, new AclFact(path, test, get));
    }

    /// <summary>Ansible's build_command for Linux: setfacl -m/-x ENTRY or getfacl, with its flags in its order.</summary>
    private static string Command(string? action, string? entry, string path, bool follow, bool isDefault, bool recursive, string mask, bool test = false)
    {
        var words = new List<string> { action is null ? "getfacl" : "setfacl" };
        if (test)
        {
            words.Add("--test");
        }

        if (isDefault)
        {
            words.Add("-d");
        }

        words.AddRange(action is null ? ["--omit-header", "--absolute-names"] : [action, entry!]);
        if (recursive)
        {
            words.Add("--recursive");
        }

        if (action is not null && mask != "default")
        {
            words.Add(mask == "mask" ? "--mask" : "--no-mask");
        }

        if (!follow)
        {
            words.Add("--physical");
        }

        words.Add(path);
        return Sh.Command(words);
    }

    /// <summary>Ansible's split_entry: [d[efault]:]type:entity[:permissions] with the type's abbreviations; null for an unknown type.</summary>
    public static (bool? Default, string Etype, string Entity, string? Permissions)? SplitEntry(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var parts = entry.Split(':').ToList();
        bool? isDefault = null;
        if (entry.StartsWith('d') || entry.StartsWith('D'))
        {
            isDefault = true;
            parts.RemoveAt(0);
        }

        if (parts.Count == 2)
        {
            parts.Add(null!);
        }

        if (parts.Count != 3)
        {
            return null;
        }

        var type = parts[0].ToLowerInvariant();
        string? etype = type.StartsWith('u') ? "user" : type.StartsWith('g') ? "group" : type.StartsWith('m') ? "mask" : type.StartsWith('o') ? "other" : null;
        return etype is null ? null : (isDefault, etype, parts[1], parts[2]);
    }
}

/// <summary>An acl task's request, with the commands Ansible would run for it.</summary>
/// <param name="Path">The path.</param>
/// <param name="State">present, absent or query.</param>
/// <param name="Entry">The entry as setfacl gets it (type:entity[:permissions]), or null for a query.</param>
/// <param name="Recursive">The change reaches everything under the path.</param>
/// <param name="Command">The setfacl command, quoted, or null for a query.</param>
/// <param name="Fact">What the planner reads.</param>
public sealed record AclRequest(string Path, string State, string? Entry, bool Recursive, string? Command, AclFact Fact);
