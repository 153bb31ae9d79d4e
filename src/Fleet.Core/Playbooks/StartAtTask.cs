using System.Text.RegularExpressions;

namespace Fleet.Core.Playbooks;

/// <summary>
/// <c>--start-at-task NAME</c>, as ansible-playbook's: in each play, the tasks before the first one whose name (or "role : name")
/// equals NAME or matches it as a shell glob are left out; once a play matched, later plays run whole. Tasks inside dynamic
/// includes (<c>include_tasks</c>, <c>include_role</c>) are not seen, as in Ansible; the include task itself is.
/// </summary>
public static class StartAtTask
{
    /// <summary>
    /// The playbooks to run from the first task matching <paramref name="name"/> (of those <paramref name="tags"/> and
    /// <paramref name="skipTags"/> select), and whether one matched; a play before the match runs nothing.
    /// </summary>
    public static (IReadOnlyList<Playbook> Playbooks, bool Matched) Apply(
        IReadOnlyList<Playbook> playbooks, string name, IReadOnlyCollection<string> tags, IReadOnlyCollection<string> skipTags)
    {
        ArgumentNullException.ThrowIfNull(playbooks);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var glob = new Regex(GlobPattern.Translate(name, GlobOptions.Fnmatch)!, RegexOptions.NonBacktracking | RegexOptions.Singleline);
        bool Matches(TaskDefinition task) =>
            !task.Keywords.Implicit && TagSelection.Selects(task.Tags, tags, skipTags) && (Is(task.Name) || Is(task.InRole(task.Name)));
        bool Is(string taskName) => taskName == name || glob.IsMatch(taskName);

        var matched = false;
        var result = new List<Playbook>(playbooks.Count);
        foreach (var playbook in playbooks)
        {
            var plays = new List<Play>(playbook.Plays.Count);
            foreach (var play in playbook.Plays)
            {
                plays.Add(matched ? play : From(play, Matches, ref matched));
            }

            result.Add(playbook with { Plays = plays });
        }

        return (result, matched);
    }

    /// <summary>The play from its first matching task on; handler flushes keep their place after the tasks that remain.</summary>
    private static Play From(Play play, Func<TaskDefinition, bool> matches, ref bool matched)
    {
        var tasks = new List<TaskDefinition>();
        var flushes = new List<int>();
        for (var i = 0; i < play.Tasks.Count; i++)
        {
            if (Trim(play.Tasks[i], matches, ref matched) is { } kept)
            {
                tasks.Add(kept);
            }

            if (play.HandlerFlushes.Contains(i) && tasks.Count > 0)
            {
                flushes.Add(tasks.Count - 1);
            }
        }

        return play with { Tasks = tasks, HandlerFlushes = flushes.Distinct().ToList() };
    }

    /// <summary>The node from the first matching task on (itself once matched), or null when nothing of it is left.</summary>
    private static TaskDefinition? Trim(TaskDefinition node, Func<TaskDefinition, bool> matches, ref bool matched)
    {
        if (matched)
        {
            return node;
        }

        if (node.Keywords is not { Kind: TaskKind.Block, Block: { } body })
        {
            matched = matches(node);
            return matched ? node : null;
        }

        // Ansible's iterator walks a block's tasks, then its always (rescue only after a failure, so never before the match).
        var tasks = TrimList(body.Tasks, matches, ref matched);
        if (matched)
        {
            return node with { Keywords = node.Keywords with { Block = body with { Tasks = tasks } } };
        }

        var always = TrimList(body.Always, matches, ref matched);
        return matched ? node with { Keywords = node.Keywords with { Block = new BlockBody([], [], always) } } : null;
    }

    private static List<TaskDefinition> TrimList(IReadOnlyList<TaskDefinition> nodes, Func<TaskDefinition, bool> matches, ref bool matched)
    {
        var kept = new List<TaskDefinition>();
        foreach (var node in nodes)
        {
            if (Trim(node, matches, ref matched) is { } rest)
            {
                kept.Add(rest);
            }
        }

        return kept;
    }
}
