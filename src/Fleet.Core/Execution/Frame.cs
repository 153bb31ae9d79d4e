using Fleet.Core.Playbooks;
using Fleet.Core.Templating;

namespace Fleet.Core.Execution;

/// <summary>
/// What a task inherits from the blocks (and includes, and roles) around it: conditions that must all hold, variables from the
/// outermost to the innermost block, become, ignore_errors, check_mode, environment, no_log, any_errors_fatal.
/// </summary>
internal sealed record Frame(
    IReadOnlyList<Expression> Conditions,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Vars,
    bool? Become,
    bool IgnoreErrors,
    bool? CheckMode,
    IReadOnlyDictionary<string, object?> Environment,
    bool NoLog,
    bool AnyErrorsFatal)
{
    /// <summary>The blocks' keywords written as templates, outermost first: rendered at each task, where the host's variables are known.</summary>
    public IReadOnlyList<KeywordTemplate> Templates { get; init; } = [];

    /// <summary>
    /// The <c>vars</c> and loop variables of the dynamic includes (<c>include_tasks</c>, <c>include_role</c>) around the task,
    /// outermost first: Ansible's include params, which rank above set_fact and role params.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> IncludeParams { get; init; } = [];

    /// <summary>The innermost <c>become_user</c> written on a block, role entry or the play (maybe a template), or null.</summary>
    public string? BecomeUser { get; init; }

    /// <summary>The innermost <c>become_flags</c> written on a block, role entry or the play (maybe a template), or null.</summary>
    public string? BecomeFlags { get; init; }

    /// <summary>The innermost block's <c>delegate_to</c>, <c>run_once</c> and <c>connection</c> (the play's connection at the root), or null.</summary>
    public string? DelegateTo { get; init; }

    /// <inheritdoc cref="DelegateTo"/>
    public bool? RunOnce { get; init; }

    /// <inheritdoc cref="DelegateTo"/>
    public string? Connection { get; init; }

    /// <inheritdoc cref="DelegateTo"/>
    public bool? DelegateFacts { get; init; }

    /// <summary>The innermost <c>diff</c> written on a block, role or the play, or null to follow the run.</summary>
    public bool? Diff { get; init; }

    public static Frame Root(Play play)
    {
        var root = new Frame([], [], play.Become, false, null, ModuleVars.None, false, play.AnyErrorsFatal);
        return play.Keywords is { } keywords ? root.Enter(keywords) : root;
    }

    /// <summary>The frame inside a block (or an include's <c>apply</c>): its keywords added to these.</summary>
    public Frame Enter(TaskDefinition block) => new Frame(
        block.When is null ? Conditions : [.. Conditions, block.When],
        block.Keywords.Vars.Count == 0 ? Vars : [.. Vars, block.Keywords.Vars],
        block.Become ?? Become,
        IgnoreErrors || block.IgnoreErrors,
        block.Keywords.CheckMode ?? CheckMode,
        block.Keywords.Environment.Count == 0 ? Environment : Merge(Environment, block.Keywords.Environment),
        NoLog || block.NoLog,
        AnyErrorsFatal || (block.Keywords.AnyErrorsFatal ?? false))
    {
        IncludeParams = IncludeParams,

        // An inner literal become, check_mode or diff replaces an outer template, as it replaces an outer literal.
        BecomeUser = block.Keywords.BecomeUser ?? BecomeUser,
        BecomeFlags = block.Keywords.BecomeFlags ?? BecomeFlags,
        Templates = [.. Templates.Where(t => !(t.Keyword == "become" && block.Become is not null) && !(t.Keyword == "check_mode" && block.Keywords.CheckMode is not null) && !(t.Keyword == "diff" && block.Keywords.Diff is not null)), .. block.Keywords.Templates],
        DelegateTo = block.Keywords.DelegateTo ?? DelegateTo,
        RunOnce = block.Keywords.RunOnce ?? RunOnce,
        Connection = block.Keywords.Connection ?? Connection,
        DelegateFacts = block.Keywords.DelegateFacts ?? DelegateFacts,
        Diff = block.Keywords.Diff ?? Diff,
    };

    /// <summary>The frame with more block-level variables (a rescue's <c>ansible_failed_task</c>).</summary>
    public Frame With(IReadOnlyDictionary<string, object?> vars) => vars.Count == 0 ? this : this with { Vars = [.. Vars, vars] };

    /// <summary>The frame inside a dynamic include: its loop item and <c>vars</c> as include params.</summary>
    public Frame Include(IReadOnlyDictionary<string, object?> vars) => vars.Count == 0 ? this : this with { IncludeParams = [.. IncludeParams, vars] };

    private static Dictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b)
    {
        var merged = new Dictionary<string, object?>(a, StringComparer.Ordinal);
        foreach (var (k, v) in b)
        {
            merged[k] = v;
        }

        return merged;
    }
}
