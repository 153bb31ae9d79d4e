using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Modules.Apt;
using Fleet.Core.Modules.Files;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.AptSources;

/// <summary>
/// <c>apt_repository</c>: a one-line apt source present (added to its own file in sources.list.d, or a commented-out copy
/// enabled) or absent (removed from every sources file), as Ansible's module does; then <c>apt-get update</c>, and the files
/// put back when the update fails. Files only: <c>ppa:</c> sources (Launchpad, over the network) are refused.
/// </summary>
public sealed partial class AptRepositoryModule : Module
{
    /// <inheritdoc />
    public override string Name => "apt_repository";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("repo", ParameterType.String, "The source line, e.g. \"deb [signed-by=/etc/apt/keyrings/x.gpg] http://deb.example.org bookworm main\".", Required: true),
        new("state", ParameterType.String, "present or absent. The default value is present.", Choices: ["present", "absent"]),
        new("filename", ParameterType.String, "The file for a new source: NAME gives sources.list.d/NAME.list, a path is used as is. The default is derived from the URL (deb.example.org → deb_example_org.list)."),
        // Not FileParameters.Mode: here it only applies to the file that receives a new source.
        new("mode", ParameterType.Mode, "Permissions of the file a new source is written to. The default is 0644 for a new file (an existing file keeps its mode)."),
        new("update_cache", ParameterType.Bool, "Run apt-get update after a change (the files are put back if it fails). The default value is true.", Aliases: ["update-cache"]),
        new("update_cache_retries", ParameterType.Int, "Attempts of the update. The default value is 5."),
        new("update_cache_retry_max_delay", ParameterType.Int, "Longest wait between attempts, in seconds (waits double from 1). The default value is 12."),
        new("codename", ParameterType.String, "The release codename of ppa: sources (as in Ansible, unused for deb lines). Fleet refuses ppa: sources: no default."),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [new AptSourcesFact()];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(facts);
        var repo = args.GetRequiredString("repo").Trim();
        if (repo.StartsWith("ppa:", StringComparison.Ordinal))
        {
            return new PlanFailure($"ppa: sources are not supported (they need Launchpad over the network): give the deb line and its key with apt_key instead of {repo}");
        }

        var wanted = SourceLine.Parse(repo);
        if (!wanted.Valid || !wanted.Enabled)
        {
            return new PlanFailure($"Invalid repository string: {repo} (a source line starts with deb or deb-src)");
        }

        var present = args.GetString("state") != "absent";
        var before = facts.Get(new AptSourcesFact()).ToDictionary(f => f.File, f => f.Text, StringComparer.Ordinal);
        var files = before.ToDictionary(f => f.Key, f => f.Value.Split('\n').SkipLast(f.Value.EndsWith('\n') ? 1 : 0).Select(SourceLine.Parse).ToList(), StringComparer.Ordinal);
        string? newFile = null;
        if (present)
        {
            var found = false;
            foreach (var lines in files.Values)
            {
                for (var i = 0; i < lines.Count; i++)
                {
                    if (lines[i].Valid && lines[i].Source == wanted.Source)
                    {
                        lines[i] = lines[i] with { Enabled = true };
                        found = true;
                    }
                }
            }

            if (!found)
            {
                newFile = FileFor(args.GetString("filename"), wanted.Source);
                if (!files.TryGetValue(newFile, out var lines))
                {
                    files[newFile] = lines = [];
                }

                lines.Add(wanted with { Comment = "" });
            }
        }
        else
        {
            foreach (var lines in files.Values)
            {
                lines.RemoveAll(l => l.Valid && l.Enabled && l.Source == wanted.Source);
            }
        }

        // As Ansible compares: each file's lines as it writes them (so whitespace alone is no change).
        var changed = files.Where(f => Dump(f.Value) != (before.TryGetValue(f.Key, out var text) ? Dump(Reparse(text)) : null)).Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
        var warnings = args.Has("codename") ? new List<string> { "codename applies to ppa: sources only (as in Ansible); ignored for a deb line" } : [];
        if (changed.Count == 0)
        {
            return new NoChange(present ? $"{wanted.Source} already present" : $"{wanted.Source} already absent") { Warnings = warnings, Data = Result(repo, present) };
        }

        var changes = changed.Select(f => files[f].Count == 0 ? $"{f} removed (no source left)" : before.ContainsKey(f) ? $"{f}: {(present ? "source enabled or added" : "source removed")}" : $"{f} created with {wanted.Source}").ToList();
        var mode = args.GetString("mode");
        var updateCache = args.GetBool("update_cache", true);
        if (updateCache)
        {
            changes.Add("update the apt cache");
        }

        var script = new StringBuilder("set -e\n");
        foreach (var file in changed)
        {
            AppendWrite(script, file, files[file].Count == 0 ? null : Dump(files[file]), file == newFile ? mode : null);
        }

        if (updateCache)
        {
            var revert = new StringBuilder();
            foreach (var file in changed)
            {
                AppendWrite(revert, file, before.GetValueOrDefault(file), null);
            }

            var retries = Math.Max(1, args.GetInt("update_cache_retries") ?? 5);
            var maxDelay = Math.Max(0, args.GetInt("update_cache_retry_max_delay") ?? 12);
            script.Append(CultureInfo.InvariantCulture, $$"""
                n=0; d=1
                until out=$(apt-get -q update 2>&1) && ! printf '%s\n' "$out" | grep -q '^[WE]: Failed to fetch'; do
                  n=$((n + 1))
                  if [ "$n" -ge {{retries}} ]; then
                {{revert}}    printf 'Failed to update apt cache (sources put back): %s\n' "$out" >&2; exit 1
                  fi
                  sleep $((d < {{maxDelay}} ? d : {{maxDelay}})); d=$((d * 2))
                done

                """);
        }

        var diffBefore = before;
        return new Change(changes, script.ToString(), [.. changed.Select(Subject.Path), Subject.Tree(AptCacheFact.ListsDirectory), Subject.Path(AptCacheFact.SuccessStamp), Subject.Package(null)])
        {
            DiffSource = () => string.Concat(changed.Select(f => TextDiff.Unified(diffBefore.TryGetValue(f, out var old) ? Dump(Reparse(old)) : "", files[f].Count == 0 ? "" : Dump(files[f]), f))),
            Warnings = warnings,
            Data = Result(repo, present),
        };
    }

    /// <summary>The file a new source goes to, as Ansible names it: filename(.list) in sources.list.d, else the URL's host and path in underscores.</summary>
    public static string FileFor(string? filename, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (filename is not null && filename.Contains('/', StringComparison.Ordinal))
        {
            return filename;
        }

        if (filename is null)
        {
            var line = Scheme().Replace(Options().Replace(source, ""), "");
            var first = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).First(w => w is not ("deb" or "deb-src"));
            first = first.Contains('@', StringComparison.Ordinal) ? first[(first.IndexOf('@', StringComparison.Ordinal) + 1)..] : first;
            filename = string.Join('_', NotAlphanumeric().Replace(first, " ").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        return $"{AptSourcesFact.PartsDirectory}/{filename}.list";
    }

    private static Dictionary<string, object?> Result(string repo, bool present) =>
        new(StringComparer.Ordinal) { ["repo"] = repo, ["state"] = present ? "present" : "absent" };

    private static List<SourceLine> Reparse(string text) => text.Split('\n').SkipLast(text.EndsWith('\n') ? 1 : 0).Select(SourceLine.Parse).ToList();

    private static string Dump(List<SourceLine> lines) => string.Concat(lines.Select(l => l.ToString()));

    /// <summary>Writes <paramref name="content"/> to <paramref name="file"/> (null: removes the file), keeping an existing file's attributes.</summary>
    private static void AppendWrite(StringBuilder script, string file, string? content, string? mode) =>
        script.Append(content is null ? $"rm -f {Sh.Quote(file)}\n" : new RemoteFileWriter(file) { Mode = mode, MissingDirectory = MissingDirectory.Create }.Script(content));

    [GeneratedRegex(@"\[[^\]]+\]")]
    private static partial Regex Options();

    [GeneratedRegex(@"\w+://")]
    private static partial Regex Scheme();

    [GeneratedRegex("[^a-zA-Z0-9]")]
    private static partial Regex NotAlphanumeric();
}
