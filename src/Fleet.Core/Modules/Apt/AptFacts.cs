using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Fleet.Core.Facts;
using Fleet.Core.Remote;

namespace Fleet.Core.Modules.Apt;

/// <summary>One package as dpkg knows it.</summary>
/// <param name="Name">Package name (without architecture).</param>
/// <param name="Architecture">dpkg architecture (amd64, all…), empty when dpkg only knows the name.</param>
/// <param name="Status">dpkg's status word: installed, config-files, not-installed, unpacked, half-installed…</param>
/// <param name="Version">Installed version, or empty.</param>
public sealed record DpkgPackage(string Name, string Architecture, string Status, string Version)
{
    /// <summary>True when the package is fully installed.</summary>
    public bool Installed => Status == "installed";

    /// <summary>True when only its configuration files are left (removed, not purged).</summary>
    public bool ConfigFilesOnly => Status == "config-files";
}

/// <summary>What apt would install for a name (<c>apt-cache policy</c>).</summary>
/// <param name="Installed">Installed version, or null.</param>
/// <param name="Candidate">The version apt would install, or null when no source has the package.</param>
public sealed record AptCandidate(string? Installed, string? Candidate);

/// <summary>The dpkg state of a task's packages and, when read, apt's candidates for them.</summary>
/// <param name="Packages">dpkg's entries for the names (a name dpkg does not know has none).</param>
/// <param name="Candidates">Candidates by name as <c>apt-cache policy</c> prints it (arch-qualified for foreign architectures); null when not read.</param>
public sealed record AptPackages(IReadOnlyList<DpkgPackage> Packages, IReadOnlyDictionary<string, AptCandidate>? Candidates)
{
    /// <summary>dpkg's entry for a name (<c>name</c> or <c>name:arch</c>), preferring an installed one; null when dpkg does not know it.</summary>
    public DpkgPackage? Find(string name)
    {
        var (bare, arch) = PackageRequest.SplitArch(name);
        var matches = Packages.Where(p => p.Name == bare && (arch is null || p.Architecture == arch)).ToList();
        return matches.FirstOrDefault(p => p.Installed) ?? matches.FirstOrDefault(p => p.ConfigFilesOnly) ?? matches.FirstOrDefault();
    }

    /// <summary>apt's real package names each pattern of the task matches (read only for patterns). The default is none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Matches { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The packages that provide each name with no candidate of its own (a virtual package). The default is none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Providers { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The real packages a pattern matches, sorted; empty when none does.</summary>
    public IReadOnlyList<string> MatchesOf(string pattern) => Matches.GetValueOrDefault(pattern) ?? [];

    /// <summary>The packages that provide a virtual name; empty when it is no virtual package.</summary>
    public IReadOnlyList<string> ProvidersOf(string name) => Providers.GetValueOrDefault(name) ?? [];

    /// <summary>apt's candidate for a name, or null when candidates were not read or apt does not know the name.</summary>
    public AptCandidate? CandidateOf(string name)
    {
        if (Candidates is null)
        {
            return null;
        }

        var (bare, _) = PackageRequest.SplitArch(name);
        return Candidates.GetValueOrDefault(name) ?? Candidates.GetValueOrDefault(bare);
    }
}

/// <summary>
/// Reads the dpkg state of all of a task's packages with one <c>dpkg-query</c>, then <c>apt-cache policy</c> for them when
/// <paramref name="Candidates"/> is set (state latest) or when one of them is not installed (so a missing package fails the plan,
/// and check mode names the version that would come). Root is not needed.
/// </summary>
/// <param name="Names">Package names, each <c>name</c> or <c>name:arch</c>, validated (see <see cref="PackageRequest"/>).</param>
/// <param name="Candidates">Always read apt's candidates.</param>
public sealed record AptPackagesFact(NameList Names, bool Candidates) : Fact<AptPackages>
{
    private const string CandidatesMarker = "@@fleet-apt-candidates@@";
    private const string PolicyMarker = "@@fleet-apt-policy@@";
    private const string ProvidersMarker = "@@fleet-apt-providers@@";
    private const string MatchesMarker = "@@fleet-apt-matches@@";

    /// <summary>The dpkg-query format: status, name, architecture, version, tab-separated.</summary>
    internal const string QueryFormat = "${db:Status-Status}\\t${Package}\\t${Architecture}\\t${Version}\\n";

    /// <inheritdoc />
    public override string Description => "packages " + string.Join(", ", Names);

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects =>
        [.. Names.Select(n => Subject.Package(PackageRequest.IsPatternName(n) ? null : PackageRequest.SplitArch(n).Name)), Subject.Tree(AptCacheFact.ListsDirectory)];

    /// <summary>The task's names that are patterns (expanded over apt's names, never given to apt-cache policy).</summary>
    private IEnumerable<string> Patterns => Names.Where(PackageRequest.IsPatternName);

    /// <inheritdoc />
    public override string Command
    {
        get
        {
            var names = Sh.Command(Names);
            var exact = Names.Where(n => !PackageRequest.IsPatternName(n)).ToList();
            var script = new StringBuilder();
            script.Append(CultureInfo.InvariantCulture, $"q=$(dpkg-query -W -f='{QueryFormat}' -- {names} 2>/dev/null)\n");
            script.Append("printf '%s\\n' \"$q\"\n");
            if (Patterns.Any())
            {
                // apt-cache pkgnames lists the real packages apt knows, as Python's apt.Cache iterates them; grep keeps the matches.
                var expressions = Patterns.SelectMany(p => new[] { "-e", PackageRequest.PatternRegex(p) });
                script.Append(CultureInfo.InvariantCulture, $"echo '{MatchesMarker}'; apt-cache pkgnames 2>/dev/null | grep -xE {Sh.Command(expressions)}\n");
            }

            script.Append(CultureInfo.InvariantCulture, $"echo '{CandidatesMarker}'\n");
            if (exact.Count == 0)
            {
                return script.ToString();
            }

            if (Candidates)
            {
                script.Append(CultureInfo.InvariantCulture, $"echo '{PolicyMarker}'; p=$(apt-cache policy -- {Sh.Command(exact)}); printf '%s\\n' \"$p\"\n");
                return script.Append(ProvidersScript).ToString();
            }

            // Only when a package is missing: apt-cache loads the whole cache, a no-op run of installed packages need not pay for it.
            // The test is the shell's own `case` on dpkg-query's lines (tab-separated), no process per name.
            script.Append("nl='\n'; tab=$(printf '\\t'); need=\n");
            foreach (var name in exact)
            {
                var (bare, arch) = PackageRequest.SplitArch(name);
                var line = arch is null ? $"${{nl}}installed${{tab}}{Sh.Quote(bare)}${{tab}}" : $"${{nl}}installed${{tab}}{Sh.Quote(bare)}${{tab}}{Sh.Quote(arch)}${{tab}}";
                script.Append(CultureInfo.InvariantCulture, $"case \"$nl$q\" in *{line}*) ;; *) need=1 ;; esac\n");
            }

            script.Append(CultureInfo.InvariantCulture, $"if [ -n \"$need\" ]; then echo '{PolicyMarker}'; p=$(apt-cache policy -- {Sh.Command(exact)}); printf '%s\\n' \"$p\"\n");
            return script.Append(ProvidersScript).Append("fi\n").ToString();
        }
    }

    /// <summary>
    /// For the names apt-cache policy gave no candidate: the packages that provide them (apt-cache showpkg's last section, "virtual
    /// provider" lines) and dpkg's state of those, so a virtual package is planned as Ansible's apt does.
    /// </summary>
    private static string ProvidersScript => $$"""
        v=$(printf '%s\n' "$p" | awk '/^[^ ].*:$/ { n = substr($0, 1, length($0) - 1) } /^  Candidate: \(none\)$/ { print n }')
        if [ -n "$v" ]; then
          echo '{{ProvidersMarker}}'
          pv=$(apt-cache showpkg -- $v 2>/dev/null | awk '/^Package: / { n = $2; r = 0; next } /^Reverse Provides: / { r = 1; next } r && NF { print n " " $1 }' | sort -u)
          printf '%s\n' "$pv"
          echo '{{CandidatesMarker}}'
          [ -z "$pv" ] || dpkg-query -W -f='{{QueryFormat}}' -- $(printf '%s\n' "$pv" | cut -d' ' -f2 | sort -u) 2>/dev/null
        fi

        """;

    /// <inheritdoc />
    public override AptPackages Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var marker = stdout.IndexOf(CandidatesMarker, StringComparison.Ordinal);
        if (marker < 0)
        {
            throw new FormatException("package facts incomplete: " + stdout.Trim());
        }

        // apt-cache policy prints nothing for a name no source has: the marker says whether it ran.
        var matchesAt = stdout.IndexOf(MatchesMarker, StringComparison.Ordinal);
        var policy = stdout.IndexOf(PolicyMarker, marker, StringComparison.Ordinal);
        var providersAt = stdout.IndexOf(ProvidersMarker, marker, StringComparison.Ordinal);
        var providerStateAt = providersAt < 0 ? -1 : stdout.IndexOf(CandidatesMarker, providersAt, StringComparison.Ordinal);
        var packages = ParseQuery(stdout[..(matchesAt >= 0 ? matchesAt : marker)]).ToList();
        var providers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (providersAt >= 0 && providerStateAt > providersAt)
        {
            foreach (var group in stdout[(providersAt + ProvidersMarker.Length)..providerStateAt].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split(' ')).Where(f => f.Length == 2).GroupBy(f => f[0], f => f[1], StringComparer.Ordinal))
            {
                providers[group.Key] = [.. group.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }

            packages.AddRange(ParseQuery(stdout[(providerStateAt + CandidatesMarker.Length)..]).Where(p => !packages.Contains(p)).ToList());
        }

        var matches = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (matchesAt >= 0)
        {
            var known = stdout[(matchesAt + MatchesMarker.Length)..marker].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var pattern in Patterns)
            {
                // As Ansible: a pattern without :arch matches only the native names.
                var regex = new Regex(PackageRequest.PatternRegex(pattern), RegexOptions.CultureInvariant);
                matches[pattern] = [.. known.Where(n => (pattern.Contains(':', StringComparison.Ordinal) || !n.Contains(':', StringComparison.Ordinal)) && regex.IsMatch(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }
        }

        var policyText = policy < 0 ? null : stdout[(policy + PolicyMarker.Length)..(providersAt >= 0 ? providersAt : stdout.Length)];
        return new AptPackages(packages, policyText is null ? null : ParsePolicy(policyText)) { Matches = matches, Providers = providers };
    }

    /// <summary>Parses dpkg-query lines in <see cref="QueryFormat"/>.</summary>
    internal static IReadOnlyList<DpkgPackage> ParseQuery(string text) =>
        [.. text.Split('\n').Select(l => l.TrimEnd('\r').Split('\t')).Where(f => f.Length == 4 && f[1].Length > 0).Select(f => new DpkgPackage(f[1], f[2], f[0], f[3]))];

    /// <summary>Parses <c>apt-cache policy</c>: a "name:" header line, then indented "Installed:" and "Candidate:" lines.</summary>
    internal static IReadOnlyDictionary<string, AptCandidate> ParsePolicy(string text)
    {
        var result = new Dictionary<string, AptCandidate>(StringComparer.Ordinal);
        string? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 1 && !char.IsWhiteSpace(line[0]) && line.EndsWith(':'))
            {
                current = line[..^1];
                result[current] = new AptCandidate(null, null);
            }
            else if (current is not null && line.TrimStart() is var field && field.StartsWith("Installed: ", StringComparison.Ordinal))
            {
                result[current] = result[current] with { Installed = Version(field["Installed: ".Length..]) };
            }
            else if (current is not null && line.TrimStart() is var candidate && candidate.StartsWith("Candidate: ", StringComparison.Ordinal))
            {
                result[current] = result[current] with { Candidate = Version(candidate["Candidate: ".Length..]) };
            }
        }

        return result;
    }

    private static string? Version(string text) => text.Trim() is "(none)" or "" ? null : text.Trim();
}

/// <summary>When apt's package lists were last updated, and the host's clock.</summary>
/// <param name="UpdatedAt">Unix time of apt's update-success stamp, else of the lists directory; 0 when neither exists.</param>
/// <param name="Now">The host's current Unix time.</param>
public sealed record AptCacheAge(long UpdatedAt, long Now);

/// <summary>
/// Reads the age of apt's lists: <c>/var/lib/apt/periodic/update-success-stamp</c> (apt's own stamp, which Fleet also touches
/// after an update) or else the mtime of <c>/var/lib/apt/lists</c>, as Ansible does, with the host's clock.
/// </summary>
public sealed record AptCacheFact : Fact<AptCacheAge>
{
    /// <summary>Where apt keeps its package lists.</summary>
    public const string ListsDirectory = "/var/lib/apt/lists";

    /// <summary>apt's stamp of the last successful update.</summary>
    public const string SuccessStamp = "/var/lib/apt/periodic/update-success-stamp";

    /// <inheritdoc />
    public override string Description => "apt cache age";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Tree(ListsDirectory), Subject.Path(SuccessStamp)];

    /// <inheritdoc />
    public override string Command =>
        $"echo \"$(stat -c %Y {SuccessStamp} 2>/dev/null || stat -c %Y {ListsDirectory} 2>/dev/null || echo 0) $(date +%s)\"";

    /// <inheritdoc />
    public override AptCacheAge Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var fields = stdout.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2
            && long.TryParse(fields[0], CultureInfo.InvariantCulture, out var updated)
            && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var now)
                ? new AptCacheAge(updated, now)
                : throw new FormatException("unexpected apt cache age: " + stdout.Trim());
    }
}

/// <summary>The packages <c>apt-get autoremove</c> would remove (a simulation without the lock: read-only).</summary>
public sealed record AptAutoremoveFact : Fact<IReadOnlyList<string>>
{
    /// <inheritdoc />
    public override string Description => "apt autoremove candidates";

    /// <inheritdoc />
    public override IReadOnlyList<Subject> Subjects => [Subject.Package(null)];

    /// <inheritdoc />
    public override string Command => "LC_ALL=C apt-get -s -o Debug::NoLocking=1 autoremove";

    /// <inheritdoc />
    public override IReadOnlyList<string> Parse(string stdout, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return [.. stdout.Split('\n').Where(l => l.StartsWith("Remv ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1])];
    }
}
