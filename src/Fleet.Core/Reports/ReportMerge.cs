using Fleet.Core.Results;

namespace Fleet.Core.Reports;

/// <summary>
/// <c>fleet report merge</c>: the reports of the shards of one run (or of runs over disjoint hosts) made into one report, whose exit
/// code is the one the unsharded run would have had. Reports of different modes or playbooks, overlapping hosts, and a shard set
/// with a shard missing or twice are refused: a merge must never turn a lost shard into a green fleet.
/// </summary>
public static class ReportMerge
{
    /// <summary>Merges <paramref name="inputs"/> (each with the file it came from, for messages); refusals are invalid input.</summary>
    public static RunReport Merge(IReadOnlyList<(string Source, RunReport Report)> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new FleetInputException("report merge needs at least one report to merge");
        }

        var errors = new List<InputError>();
        var (firstSource, first) = inputs[0];
        foreach (var (source, report) in inputs.Skip(1))
        {
            if (report.Mode != first.Mode)
            {
                errors.Add(new InputError(null, $"{source}: mode {report.Mode}, but {firstSource} is {first.Mode}: only reports of one command can be merged"));
            }

            if (!report.Playbooks.SequenceEqual(first.Playbooks, StringComparer.Ordinal))
            {
                errors.Add(new InputError(null, $"{source}: playbooks [{string.Join(", ", report.Playbooks)}], but {firstSource} ran [{string.Join(", ", first.Playbooks)}]: only reports of the same playbooks can be merged"));
            }
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, report) in inputs)
        {
            foreach (var host in report.Hosts)
            {
                if (!seen.TryAdd(host.Name, source))
                {
                    errors.Add(new InputError(null, $"{source}: host {host.Name} is also in {seen[host.Name]}: the reports overlap"));
                }
            }
        }

        errors.AddRange(ShardErrors(inputs));
        if (errors.Count > 0)
        {
            throw new FleetInputException(errors);
        }

        var ordered = inputs.Select(i => i.Report).OrderBy(r => r.Shard?.Index ?? 0).ToList();
        var start = ordered.Min(r => r.StartedAt);
        var end = ordered.Max(r => r.StartedAt.AddMilliseconds(r.DurationMs));
        return new RunReport(first.Mode, start, (long)(end - start).TotalMilliseconds, ordered.SelectMany(r => r.Hosts).OrderBy(h => h.Name, HostNameOrder.Instance).ToList(), ordered.Any(r => r.Interrupted))
        {
            Playbooks = first.Playbooks,
            Shard = null,
        };
    }

    /// <summary>Sharded reports must all be of one shard count, each shard exactly once; unsharded ones cannot be mixed in.</summary>
    private static IEnumerable<InputError> ShardErrors(IReadOnlyList<(string Source, RunReport Report)> inputs)
    {
        var sharded = inputs.Where(i => i.Report.Shard is not null).ToList();
        if (sharded.Count == 0)
        {
            yield break;
        }

        foreach (var (source, _) in inputs.Where(i => i.Report.Shard is null))
        {
            yield return new InputError(null, $"{source}: not a shard, but {sharded[0].Source} is shard {sharded[0].Report.Shard}: merge the shards of one run");
        }

        var count = sharded[0].Report.Shard!.Count;
        foreach (var (source, report) in sharded.Where(i => i.Report.Shard!.Count != count))
        {
            yield return new InputError(null, $"{source}: shard {report.Shard}, but {sharded[0].Source} is shard {sharded[0].Report.Shard}: the shard counts differ");
        }

        foreach (var twice in sharded.Where(i => i.Report.Shard!.Count == count).GroupBy(i => i.Report.Shard!.Index).Where(g => g.Count() > 1))
        {
            yield return new InputError(null, $"shard {twice.Key}/{count} is given more than once: {string.Join(", ", twice.Select(i => i.Source))}");
        }

        var present = sharded.Select(i => i.Report.Shard!.Index).ToHashSet();
        var missing = Enumerable.Range(1, count).Where(i => !present.Contains(i)).ToList();
        if (missing.Count > 0)
        {
            yield return new InputError(null, $"shard(s) {string.Join(", ", missing.Select(i => $"{i}/{count}"))} missing: the merged report would leave out their hosts (did that job fail before writing its report?)");
        }
    }
}
