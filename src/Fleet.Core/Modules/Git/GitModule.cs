using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Git;

/// <summary>
/// <c>git</c> (ansible.builtin.git): a checkout cloned, or fetched and moved to <c>version</c>, with Ansible's commands; nothing runs
/// when the checkout already is at the remote's commit for <c>version</c> (read with <c>ls-remote</c>), has no local changes and
/// the right URL. Submodules, archives, GPG checks, refspecs and custom SSH keys are refused by name.
/// </summary>
public sealed class GitModule : Module
{
    /// <inheritdoc />
    public override string Name => "git";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("repo", ParameterType.String, "The repository's URL or path (a path is read as file://).", Required: true, Aliases: ["name"]),
        new("dest", ParameterType.String, "Where the checkout goes.", Required: true, HostPath: true),
        new("version", ParameterType.String, "A branch, tag or commit, or HEAD (the remote's default branch, or the branch checked out). The default value is HEAD."),
        new("remote", ParameterType.String, "The remote's name. The default value is origin."),
        new("clone", ParameterType.Bool, "Clone when dest has no repository; false only reports the remote's commit. The default value is true."),
        new("update", ParameterType.Bool, "Fetch and move an existing checkout to version; false leaves it. The default value is true."),
        new("force", ParameterType.Bool, "Discard local changes to tracked files (else they fail the task). The default value is false."),
        new("depth", ParameterType.Int, "A shallow clone of that many commits (HEAD, a branch or a tag). The default is the whole history."),
        new("bare", ParameterType.Bool, "A bare repository in dest. The default value is false."),
        new("single_branch", ParameterType.Bool, "Clone only the history of version's branch. The default value is false."),
        new("recursive", ParameterType.Bool, "Fleet does not update submodules: with true a repository that has them fails the task, with false they are left alone. The default value is true."),
        new("accept_hostkey", ParameterType.Bool, "ssh -o StrictHostKeyChecking=no for the remote. The default value is false."),
        new("accept_newhostkey", ParameterType.Bool, "ssh -o StrictHostKeyChecking=accept-new for the remote. The default value is false."),
    ];

    /// <inheritdoc />
    public override IEnumerable<string> CheckCombination(IReadOnlySet<string> presentParameters)
    {
        ArgumentNullException.ThrowIfNull(presentParameters);
        if (presentParameters.Contains("accept_hostkey") && presentParameters.Contains("accept_newhostkey"))
        {
            yield return "parameters are mutually exclusive: accept_hostkey|accept_newhostkey";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<Fact> Facts(ModuleArguments args, ModuleContext context) => [Fact(args)];

    /// <inheritdoc />
    public override TaskPlan Plan(ModuleArguments args, IFactSource facts, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var fact = Fact(args);
        var state = facts.Get(fact);
        return state.Error is not null ? new PlanFailure(state.Error) : Plan(args, fact, state);
    }

    /// <summary>The plan from the checkout and the remote's refs as they are (pure).</summary>
    public static TaskPlan Plan(ModuleArguments args, GitCheckoutFact fact, GitCheckout state)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(fact);
        ArgumentNullException.ThrowIfNull(state);
        var version = args.GetString("version") ?? "HEAD";
        var remote = fact.Remote;
        var depth = args.GetInt("depth");
        var warnings = new List<string>();
        var kind = state.RemoteRefs.ContainsKey("refs/heads/" + version) ? RefKind.Branch
            : state.RemoteRefs.ContainsKey("refs/tags/" + version) ? RefKind.Tag
            : version == "HEAD" ? RefKind.Head
            : RefKind.Commit;
        var headBranch = version == "HEAD" && state.Exists && state.Branch is { } current ? current : null;
        var wanted = kind switch
        {
            RefKind.Branch => state.RemoteRefs["refs/heads/" + version],
            RefKind.Tag => state.RemoteRefs.GetValueOrDefault($"refs/tags/{version}^{{}}") ?? state.RemoteRefs["refs/tags/" + version],
            RefKind.Head when headBranch is not null => state.RemoteRefs.GetValueOrDefault("refs/heads/" + headBranch),
            RefKind.Head => state.RemoteRefs.GetValueOrDefault("HEAD"),
            _ => version,
        };
        if (wanted is null)
        {
            return new PlanFailure($"Could not determine remote revision for {version}");
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["before"] = state.Exists ? state.Head : null, ["after"] = wanted };
        var d = Sh.Quote(fact.Dest);
        var script = new StringBuilder(fact.Environment).Append("set -e\nexport LC_ALL=C\n");
        if (!state.Exists)
        {
            if (!args.GetBool("clone", true))
            {
                // As Ansible: no clone wanted, the remote's commit is reported, and the task is changed.
                return new Change([$"{fact.Repo} at {wanted} (not cloned: clone=no)"], "true") { Data = data, ReadOnly = true };
            }

            var clone = new List<string> { "git", "clone" };
            clone.AddRange(fact.Bare ? ["--bare"] : ["--origin", remote]);
            var named = kind is RefKind.Branch or RefKind.Tag;
            if (depth is { } n)
            {
                if (kind == RefKind.Head || named)
                {
                    clone.AddRange(["--depth", n.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                    clone.AddRange(named ? ["--branch", version] : []);
                }
                else
                {
                    warnings.Add("Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec.");
                }
            }

            if (args.GetBool("single_branch", false))
            {
                clone.Add("--single-branch");
                clone.AddRange(named ? ["--branch", version] : []);
            }

            clone.AddRange([fact.Repo, fact.Dest]);
            script.Append($"mkdir -p {Sh.Quote(Path.GetDirectoryName(fact.Dest.TrimEnd('/')) is { Length: > 0 } parent ? parent : "/")}\n").Append(Sh.Command(clone)).Append('\n');
            AppendSwitch(script, args, fact, kind, version, depth);
            return new Change([$"{fact.Repo} cloned into {fact.Dest} at {version}"], AppendAfter(script, d).ToString(), [Subject.Path(fact.Dest)]) { Data = data, Warnings = warnings };
        }

        if (!args.GetBool("update", true))
        {
            return new NoChange($"{fact.Dest} left as it is (update=no)") { Data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["before"] = state.Head, ["after"] = state.Head } };
        }

        if (state.LocalChanges && !args.GetBool("force", false))
        {
            return new PlanFailure($"Local modifications exist in the destination: {fact.Dest} (force=no).") { Data = data };
        }

        var urlChanged = state.RemoteUrl is not null && Normal(state.RemoteUrl) != Normal(fact.Repo);
        data["remote_url_changed"] = urlChanged;
        if (state.Head == wanted && !state.LocalChanges && !urlChanged && (kind != RefKind.Branch || fact.Bare || state.Branch == version))
        {
            return new NoChange($"{fact.Dest} at {wanted} ({version})") { Data = data };
        }

        var changes = new List<string>();
        if (state.LocalChanges)
        {
            changes.Add($"local modifications in {fact.Dest} discarded (force)");
            script.Append($"git -C {d} reset --hard HEAD --\n");
        }

        if (urlChanged)
        {
            changes.Add($"remote {remote} of {fact.Dest}: {state.RemoteUrl} → {fact.Repo}");
            script.Append(Sh.Command("git", "-C", fact.Dest, "remote", "set-url", remote, fact.Repo)).Append('\n');
        }

        var fetch = new List<string> { "git", "-C", fact.Dest, "fetch" };
        fetch.AddRange(fact.Bare ? [] : ["--tags"]);
        fetch.AddRange(args.GetBool("force", false) ? ["--force"] : []);
        fetch.Add(remote);
        fetch.AddRange(fact.Bare ? ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"] : []);
        script.Append(Sh.Command(fetch)).Append('\n');
        AppendSwitch(script, args, fact, kind, version, depth: null);
        changes.Add($"{fact.Dest}: {state.Head ?? "(no commit)"} → {wanted} ({version})");
        return new Change(changes, AppendAfter(script, d).ToString(), [Subject.Path(fact.Dest)]) { Data = data };
    }

    /// <inheritdoc />
    public override ChangeOutcome Complete(Change change, CommandResult result, ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            return new ChangeOutcome(TaskOutcome.Failed, FailureText(result)) { Data = change.Data };
        }

        var data = new Dictionary<string, object?>(change.Data, StringComparer.Ordinal);
        if (result.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("after=", StringComparison.Ordinal)) is { } after)
        {
            data["after"] = after["after=".Length..];
        }

        // Changed when the commit moved, local changes were discarded, the URL was set, or nothing was cloned (clone=no), as Ansible.
        var changed = change.Script == "true" || !Equals(data["before"], data["after"]) || change.Changes.Count > 1;
        return new ChangeOutcome(changed ? TaskOutcome.Changed : TaskOutcome.Ok) { Data = data };
    }

    /// <summary>Ansible's switch_version: the branch checked out and reset to the remote's, or the tag or commit checked out (not in a bare repository).</summary>
    private static void AppendSwitch(StringBuilder script, ModuleArguments args, GitCheckoutFact fact, RefKind kind, string version, long? depth)
    {
        if (fact.Bare)
        {
            return;
        }

        var d = Sh.Quote(fact.Dest);
        var remote = Sh.Quote(fact.Remote);
        var v = Sh.Quote(version);
        switch (kind)
        {
            case RefKind.Head:
                script.Append($"b=$(git -C {d} symbolic-ref -q --short HEAD || git -C {d} symbolic-ref --short refs/remotes/{remote}/HEAD | sed 's|^[^/]*/||')\n")
                    .Append($"git -C {d} checkout --force \"$b\"\ngit -C {d} reset --hard {remote}/\"$b\" --\n");
                break;
            case RefKind.Branch:
                if (depth is { } n)
                {
                    script.Append($"git -C {d} rev-parse -q --verify refs/heads/{v} >/dev/null || git -C {d} fetch --depth={n} {remote} +refs/heads/{v}:refs/remotes/{remote}/{v}\n");
                }

                script.Append($"if git -C {d} rev-parse -q --verify refs/heads/{v} >/dev/null; then git -C {d} checkout --force {v}; git -C {d} reset --hard {remote}/{v}; else git -C {d} checkout --track -b {v} {remote}/{v}; fi\n");
                break;
            default:
                script.Append($"git -C {d} checkout --force {v}\n");
                break;
        }

        // Ansible updates submodules (recursive, its default); Fleet does not, so a repository that has them fails rather than differ.
        if (args.GetBool("recursive", true))
        {
            script.Append($"if [ -f {d}/.gitmodules ]; then echo 'the repository has submodules, which Fleet does not update: set recursive: false' >&2; exit 1; fi\n");
        }
    }

    private static StringBuilder AppendAfter(StringBuilder script, string dest) => script.Append($"echo after=$(git -C {dest} rev-parse HEAD)\n");

    /// <summary>Ansible's comparison of remote URLs: the same after normalising the path.</summary>
    private static string Normal(string url) => url.TrimEnd('/');

    private static GitCheckoutFact Fact(ModuleArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var repo = args.GetRequiredString("repo");
        var ssh = args.GetBool("accept_hostkey", false) ? "export GIT_SSH_COMMAND='ssh -o StrictHostKeyChecking=no'\n"
            : args.GetBool("accept_newhostkey", false) ? "export GIT_SSH_COMMAND='ssh -o StrictHostKeyChecking=accept-new'\n"
            : "";
        return new GitCheckoutFact(args.GetRequiredString("dest").TrimEnd('/') is { Length: > 0 } dest ? dest : "/", repo.StartsWith('/') ? "file://" + repo : repo, args.GetString("remote") ?? "origin", args.GetBool("bare", false), ssh);
    }

    private enum RefKind
    {
        Head,
        Branch,
        Tag,
        Commit,
    }
}
