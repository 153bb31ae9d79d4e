using System.Text;
using Fleet.Core.Inputs;
using Fleet.Core.Playbooks;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>--list-hosts</c>, <c>--list-tasks</c>, <c>--list-tags</c> and <c>--syntax-check</c>: what ansible-playbook prints for them, from
/// the loaded and validated inputs; no host is contacted.
/// </summary>
internal static class PlaybookListing
{
    /// <summary>The listing of every playbook; <paramref name="tags"/> and <paramref name="skipTags"/> select tasks as a run would.</summary>
    public static string Write(RunInputs inputs, bool hosts, bool tasks, bool tagList, IReadOnlyList<string> tags, IReadOnlyList<string> skipTags)
    {
        var text = new StringBuilder();
        var number = 0;
        foreach (var playbook in inputs.Playbooks)
        {
            text.Append('\n').Append("playbook: ").Append(playbook.Path).Append('\n');
            foreach (var play in playbook.Plays)
            {
                number++;
                if (!hosts && !tasks && !tagList)
                {
                    continue;
                }

                text.Append('\n').Append($"  play #{number} ({play.Hosts}): {play.Name}\tTAGS: [{Tags(play.Tags)}]\n");
                if (hosts)
                {
                    var selected = inputs.SelectedHosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
                    var matched = inputs.Inventory.Select(play.Hosts).Where(h => selected.Contains(h.Name)).ToList();
                    text.Append($"    pattern: ['{play.Hosts}']\n    hosts ({matched.Count}):\n");
                    foreach (var host in matched)
                    {
                        text.Append("      ").Append(host.Name).Append('\n');
                    }
                }

                var listed = Listed(play.Tasks).Where(t => TagSelection.Selects(t.Tags, tags, skipTags)).ToList();
                if (tasks)
                {
                    text.Append("    tasks:\n");
                    foreach (var task in listed)
                    {
                        text.Append("      ").Append(task.InRole(task.Name)).Append($"\tTAGS: [{Tags(task.Tags)}]\n");
                    }
                }

                if (tagList)
                {
                    text.Append($"      TASK TAGS: [{Tags(listed.SelectMany(t => t.Tags))}]\n");
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The tasks a listing shows, in order: a block's tasks instead of the block; an include as itself, as Ansible lists them.</summary>
    private static IEnumerable<TaskDefinition> Listed(IEnumerable<TaskDefinition> nodes)
    {
        foreach (var node in nodes.Where(n => !n.Keywords.Implicit))
        {
            if (node.Keywords is { Kind: TaskKind.Block, Block: { } body })
            {
                foreach (var task in Listed(body.Tasks.Concat(body.Rescue).Concat(body.Always)))
                {
                    yield return task;
                }
            }
            else
            {
                yield return node;
            }
        }
    }

    private static string Tags(IEnumerable<string> tags) => string.Join(", ", tags.Distinct().Order(StringComparer.Ordinal));
}
