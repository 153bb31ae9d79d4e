using System.Globalization;
using System.Text;
using Fleet.Core.Facts;
using Fleet.Core.Remote;
using Fleet.Core.Results;

namespace Fleet.Core.Modules.Apt;

/// <summary>A .deb file on the host as dpkg-deb reads it, with the installed version of its package.</summary>
/// <param name="Exists">A regular file is at the path.</param>
/// <param name="Problem">dpkg-deb's complaint when the file is no .deb, else null.</param>
/// <param name="Name">The package's name, or empty.</param>
/// <param name="Version">The file's version, or empty.</param>
/// <param name="Installed">The installed version of the package, or null.</param>
/// <param name="Comparison">"same", "older" (the file's version is lower) or "" (newer, or not installed), from dpkg --compare-versions.</param>
public sealed record DebFile(bool Exists, string? Problem, string Name, string Version, string? Installed, string Comparison);

/// <summary>Reads a .deb on the host (<c>dpkg-deb --show</c>) and its package's installed version (<c>dpkg-query</c>), compared by dpkg.</summary>
/// <param name="Path">The file as the task names it (relative: to the login directory, as Ansible's path).</param>
public sealed record DebFileFact(string Path) : Fact<DebFile>
{
    /// <inheritdoc />
    public override string Description => "deb " + Path;

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Path(Path), Subject.Package(null)];

    /// <inheritdoc />
    public override string Command => $"f={DebInstall.Word(Path)}\n[ -f \"$f\" ] || {{ echo missing; exit 0; }}\n{DebInstall.Inspect}"
        + "printf 'deb\\t%s\\t%s\\t%s\\t%s\\n' \"$n\" \"$v\" \"$iv\" \"$cmp\"\n";

    /// <inheritdoc />
    public override DebFile Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var line = stdout.TrimEnd('\n');
        if (line == "missing")
        {
            return new DebFile(false, null, "", "", null, "");
        }

        if (line.StartsWith("invalid\t", StringComparison.Ordinal))
        {
            return new DebFile(true, line["invalid\t".Length..].Trim(), "", "", null, "");
        }

        var fields = line.Split('\t');
        return fields.Length == 5 && fields[0] == "deb"
            ? new DebFile(true, null, fields[1], fields[2], fields[3].Length == 0 ? null : fields[3], fields[4])
            : throw new FormatException($"unexpected output for deb {Path}: {line}");
    }
}

/// <summary>
/// <c>apt: deb</c>, as Ansible 2.14's install_deb: a .deb (a path on the host, or a URL the host downloads) whose version is
/// installed is left alone; a later installed version fails unless allow_downgrade or force; otherwise apt-get installs the file
/// with its dependencies. force also passes dpkg --force-all, as Ansible's dpkg -i --force-all.
/// </summary>
internal static class DebInstall
{
    private const string UnchangedMarker = "@@fleet-apt-deb-unchanged@@";

    /// <summary>
    /// Shell text that reads "$f": on an invalid file prints "invalid", a tab and dpkg-deb's message and exits; else sets n (name),
    /// v (version), iv (installed version) and cmp (same, older or empty).
    /// </summary>
    internal const string Inspect = """
        info=$(dpkg-deb --show --showformat='${Package}\t${Version}\n' "$f" 2>&1) || { printf 'invalid\t%s\n' "$(printf '%s' "$info" | tr '\n' ' ')"; exit 0; }
        tab=$(printf '\t'); n=${info%%"$tab"*}; v=${info#*"$tab"}; cmp=
        iv=$(dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$n" 2>/dev/null | sed -n 's/^installed //p' | head -n 1)
        if [ -n "$iv" ]; then if dpkg --compare-versions "$v" eq "$iv"; then cmp=same; elif dpkg --compare-versions "$v" lt "$iv"; then cmp=older; fi; fi

        """;

    /// <summary>Ansible's test for a URL: the text holds "://".</summary>
    public static bool IsUrl(string deb) => deb.Contains("://", StringComparison.Ordinal);

    /// <summary>The path as one shell word; a relative one as ./PATH (the login directory), so no tool reads it as an option.</summary>
    public static string Word(string path) => Sh.Quote(path.StartsWith('/') ? path : "./" + path);

    /// <summary>The plan: from the file's fact for a path; a URL is downloaded and decided on the host.</summary>
    public static TaskPlan Plan(AptTask task, IFactSource facts, bool cacheDue, string updateScript)
    {
        var deb = task.Deb!;
        var allowDowngrade = task.AllowDowngrade || task.Force;
        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (task.UpdateCache)
        {
            data["cache_updated"] = cacheDue;
        }

        string change;
        if (IsUrl(deb))
        {
            if (!Uri.TryCreate(deb, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ftp" or "file"))
            {
                return new PlanFailure($"deb: not an http://, https://, ftp:// or file:// URL: {deb}");
            }

            change = $"install the .deb from {deb} unless its version is installed";
        }
        else
        {
            var file = facts.Get(new DebFileFact(deb));
            if (!file.Exists)
            {
                return new PlanFailure($"Unable to install package: no such file on the host: {deb}");
            }

            if (file.Problem is not null)
            {
                return new PlanFailure($"Unable to install package: {file.Problem}");
            }

            if (file.Comparison == "same")
            {
                return cacheDue
                    ? new Change(["update the apt cache"], Script(task, updateScript, allowDowngrade), [Subject.Tree(AptCacheFact.ListsDirectory), Subject.Path(AptCacheFact.SuccessStamp)]) { Data = data }
                    : new NoChange($"{file.Name} {file.Version} installed") { Data = data };
            }

            if (file.Comparison == "older" && !allowDowngrade)
            {
                return new PlanFailure("A later version is already installed"); // python-apt's DebPackage.check(), which Ansible reports
            }

            change = file.Installed is null ? $"install {file.Name} {file.Version} from {deb}" : $"install {file.Name} {file.Version} from {deb} (was {file.Installed})";
        }

        return new Change([change], Script(task, updateScript, allowDowngrade), [Subject.Package(null), Subject.Path(AptCacheFact.SuccessStamp)]) { Data = data };
    }

    /// <summary>The outcome: Ok when the file's version was installed already, else Changed (Ansible reports every dpkg run so).</summary>
    public static ChangeOutcome Complete(CommandResult result) =>
        result.Stdout.Contains(UnchangedMarker, StringComparison.Ordinal)
            ? new ChangeOutcome(TaskOutcome.Ok, "the .deb's version is installed")
            : new ChangeOutcome(TaskOutcome.Changed);

    private static string Script(AptTask task, string updateScript, bool allowDowngrade)
    {
        var deb = task.Deb!;
        var script = new StringBuilder("export DEBIAN_FRONTEND=noninteractive APT_LISTCHANGES_FRONTEND=none LC_ALL=C LANG=C\n").Append(updateScript);
        script.Append("d=$(mktemp -d) || exit 1\ntrap 'rm -rf \"$d\"' EXIT\n");
        if (IsUrl(deb))
        {
            var u = Sh.Quote(deb);
            var uri = new Uri(deb);
            script.Append(CultureInfo.InvariantCulture, $"fail() {{ printf 'Failure downloading %s, %s\\n' {u} \"$1\" >&2; exit 1; }}\nf=\"$d/download.deb\"\n");
            script.Append(HostDownload.Script(uri, "\"$f\""));
        }
        else
        {
            // apt-get installs a file only when its name ends in .deb: a link with that name stands for any path.
            script.Append(CultureInfo.InvariantCulture, $"[ -f {Word(deb)} ] || {{ printf 'Unable to install package: no such file on the host: %s\\n' {Sh.Quote(deb)} >&2; exit 1; }}\n");
            script.Append(CultureInfo.InvariantCulture, $"f=\"$d/package.deb\"; ln -s \"$(readlink -f {Word(deb)})\" \"$f\"\n");
        }

        script.Append(Inspect.Replace("printf 'invalid\\t%s\\n'", "printf 'Unable to install package: %s\\n'", StringComparison.Ordinal).Replace("exit 0; }", "exit 1; } >&2", StringComparison.Ordinal));
        script.Append(CultureInfo.InvariantCulture, $"if [ \"$cmp\" = same ]; then echo '{UnchangedMarker}'; exit 0; fi\n");
        if (!allowDowngrade)
        {
            script.Append("if [ \"$cmp\" = older ]; then echo 'A later version is already installed' >&2; exit 1; fi\n");
        }

        var words = AptModule.Words(task);
        if (allowDowngrade)
        {
            words.Add("--allow-downgrades");
        }

        if (task.Force)
        {
            words.AddRange(["-o", "Dpkg::Options::=--force-all"]);
        }

        if (task.FailOnAutoremove)
        {
            words.Add("--no-remove");
        }

        words.AddRange(["install", "--"]);
        script.Append(PolicyRcD.Around(task.PolicyRcD, Sh.Command(words) + " \"$f\"")).Append("exit $rc\n");
        return script.ToString();
    }
}
